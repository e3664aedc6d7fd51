import ArgumentParser
import Foundation
import MienPipeline

extension Mien {
    /// `mien export`: a timeline in another format.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a timeline (.timeline.jsonl) to CSV: one row per face per timestamp.",
            discussion: """
                A timestamp without faces gives one row with the face columns empty. Columns: t, frame, \
                frame_t, status, track, x, y, w, h, score, emotion, confidence, p_<emotion> for the \
                seven emotions, smoothed_emotion and s_<emotion> when the timeline is smoothed, then the \
                five landmarks as <name>_x, <name>_y. Writes to stdout unless -o is given (written atomically).
                """
        )

        @Flag(help: "Write CSV (the only format for now).")
        var csv = false

        @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: stdout).", valueName: "FILE"))
        var output: String?

        @Argument(help: "A .timeline.jsonl file written by mien analyze.")
        var timeline: String

        func validate() throws {
            if !csv { throw ValidationError("Choose a format: --csv.") }
        }

        func run() throws {
            let records: [FrameRecord]
            do { records = try TimelineFile.read(timeline) } catch { throw Fatal(error.message) }
            let text = TimelineCSV.text(records)
            if let output {
                do { try AtomicFile.write(Data(text.utf8), to: output) } catch { throw Fatal(error.message) }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}
