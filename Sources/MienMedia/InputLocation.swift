import Foundation

/// Turns what the user typed into the URL handed to FFmpeg, refusing what is not allowed.
///
/// Anything that is not an `http://` or `https://` URL is a local path, opened
/// through FFmpeg's `file:` protocol with its absolute path, so a file named
/// `concat:a|b` or `subfile,...` is just a file name, never an FFmpeg protocol.
enum InputLocation {
    /// Returns the URL for FFmpeg, or throws when the input cannot be opened as asked.
    static func resolve(_ input: String, options: MediaOpenOptions) throws(MediaError) -> String {
        let lower = input.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard options.allowNetwork else {
                throw MediaError(.networkDisabled, path: input,
                    "network input is disabled; enable it explicitly (--allow-network) to read URLs")
            }
            return input
        }
        return "file:" + (try checkedLocalPath(input))
    }

    /// The absolute path of a readable, non-empty regular file.
    static func checkedLocalPath(_ input: String) throws(MediaError) -> String {
        let absolute = URL(fileURLWithPath: input).standardizedFileURL.path
        var status = stat()
        guard stat(absolute, &status) == 0 else {
            let cause = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw MediaError(errno == ENOENT ? .notFound : .unreadable, path: input, cause)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw MediaError(.unreadable, path: input, "is a directory, not a media file")
        }
        guard access(absolute, R_OK) == 0 else {
            throw MediaError(.unreadable, path: input, "cannot be read: \(String(cString: strerror(errno)))")
        }
        if (status.st_mode & S_IFMT) == S_IFREG && status.st_size == 0 {
            throw MediaError(.emptyFile, path: input, "empty file (0 bytes)")
        }
        return absolute
    }
}
