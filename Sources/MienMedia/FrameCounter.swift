/// Counts a video's frames exactly, by decoding all of them.
enum FrameCounter {
    /// The number of frames the decoder produces for `path` (damaged ones included).
    /// - Throws: `MediaError` when the input cannot be opened, or reading stops on
    ///   errors before the end (so the count would be short).
    static func count(_ path: String, options: MediaOpenOptions) throws(MediaError) -> Int {
        let reader = try VideoReader(path: path, options: options)
        var frames = 0
        while try reader.nextFrame() != nil { frames += 1 }
        if reader.endedWithErrors {
            throw MediaError(.decodeFailed, path: path,
                "reading stopped on errors after \(frames) frames: \(reader.stats.lastError ?? "unknown read error")")
        }
        return frames
    }
}
