import ArgumentParser
import Foundation
import MienMedia

extension Mien {
    /// `mien probe`: what each input holds, as a table or JSON Lines.
    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show container, codec, size, rotation, timing and keyframes of videos and images.",
            discussion: """
                Every input is probed even when some fail. A failed input is shown with its \
                error (with --json: {"path": ..., "error": ...}), and the exit code is 1 if any \
                input failed.
                """
        )

        @Flag(help: "Print one JSON object per input per line instead of a table.")
        var json = false

        @Flag(help: "Count frames exactly by decoding them all (slower).")
        var countFrames = false

        @OptionGroup var inputOptions: InputOptions

        @Argument(help: "Video or image files.")
        var files: [String]

        func run() throws {
            let options = inputOptions.mediaOptions()
            var results: [Result<VideoInfo, MediaError>] = []
            for file in files {
                let result = Result { () throws(MediaError) -> VideoInfo in
                    try VideoProber.probe(file, countFrames: countFrames, options: options)
                }
                results.append(result)
                if json {
                    // Streamed, so a long --count-frames run shows each input as it is done.
                    print(ProbeRecord(result, path: file).jsonLine())
                    fflush(nil)
                }
            }
            if !json { print(ProbeTable(results).render(), terminator: "") }
            if results.contains(where: { if case .failure = $0 { true } else { false } }) { throw ExitCode(1) }
        }
    }
}
