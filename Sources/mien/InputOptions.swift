import ArgumentParser
import MienMedia

/// Flags that loosen how inputs may be opened; shared by every command that reads media.
struct InputOptions: ParsableArguments {
    @Flag(help: "Allow http:// and https:// inputs (off: only local files are opened).")
    var allowNetwork = false

    @Flag(help: "Allow inputs that read other files: HLS/DASH playlists, concat lists, image sequences.")
    var allowPlaylists = false

    @Option(help: ArgumentHelp(
        "Which video stream to read, counting the file's video streams from 0 (a two-camera recording's second view: 1; default: FFmpeg's best).",
        valueName: "N"))
    var videoStream: Int?

    func validate() throws {
        if let videoStream, videoStream < 0 { throw ValidationError("--video-stream must be 0 or more.") }
    }

    /// The media options these flags select, with `threads` decoder threads.
    func mediaOptions(threads: Int = 1) -> MediaOpenOptions {
        MediaOpenOptions(allowNetwork: allowNetwork, allowPlaylists: allowPlaylists, decoderThreads: threads, videoStream: videoStream)
    }
}
