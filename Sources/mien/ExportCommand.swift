import ArgumentParser
import Foundation
import MienAnalytics
import MienPipeline

extension Mien {
    /// `mien export`: a timeline in another format.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a timeline (.timeline.jsonl) to CSV: one row per face per timestamp.",
            discussion: """
                A timestamp without faces gives one row with the face columns empty. Columns: t, frame, \
                frame_t, status, track, x, y, w, h, score, emotion, confidence, p_<emotion> for the \
                seven emotions, smoothed_emotion and s_<emotion> when the timeline is smoothed (by the \
                settings in the meta file beside it, so that every video of one run has the same columns, \
                even one without faces; without a meta file, when any face is smoothed), then the five \
                landmarks as <name>_x, <name>_y. Writes to stdout unless -o is given (written atomically).
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
            do {
                // The header depends on whether the timeline is smoothed: its meta file says, or else a first
                // pass, one record at a time, finds whether any face is (a timeline of any length, little memory).
                var smoothed = false
                if let meta = (try? TimelineInput(timelinePath: timeline))?.meta {
                    smoothed = meta.smoothed
                } else {
                    let scan = try TimelineReader(path: timeline)
                    while !smoothed, let record = try scan.next() { smoothed = record.faces.contains { $0.smoothed != nil } }
                }
                let reader = try TimelineReader(path: timeline)
                let file = try output.map { path throws(AnalysisError) in try AtomicFileWriter(path: path) }
                var chunk = TimelineCSV.header(smoothed: smoothed)
                func flush() throws(AnalysisError) {
                    if let file { try file.append(chunk) } else { FileHandle.standardOutput.write(Data(chunk.utf8)) }
                    chunk = ""
                }
                while let record = try reader.next() {
                    chunk += TimelineCSV.rows(record, smoothed: smoothed)
                    if chunk.utf8.count >= 1 << 20 { try flush() }
                }
                try flush()
                try file?.commit()
            } catch { throw Fatal(error.message) }
        }

    }
}
