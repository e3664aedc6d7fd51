import ArgumentParser
import Foundation
import MienAnalytics
import MienPipeline

extension Mien {
    /// `mien summarize`: per-track, per-window aggregates of timelines.
    struct Summarize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Aggregate timelines per track and per time window, as CSV or JSON Lines.",
            discussion: """
                One row per track per window (per video with no --window) in which the track is on \
                screen: time on screen and samples, each emotion's share of the track's faces and mean \
                probability, the dominant emotion, valence (the mean of P(happy) minus P(angry), P(disgust), \
                P(fear) and P(sad), -1 to 1) and how often the emotion changed; the same again from the smoothed probabilities \
                (smoothed_* columns, empty when the timeline is not smoothed). A timeline line lasts until \
                the next line. A folder stands for every *.timeline.jsonl in it. Timelines are read one line \
                at a time, and checked against the meta file beside them. Columns: Jobs/schema/README.md. \
                The format follows --out's name (.jsonl or .json: JSON Lines, else CSV) unless --format is \
                given; without --out, CSV (or --format) goes to stdout. Exit code 1, with a message naming \
                the file, for a damaged timeline line, a folder without timelines, or a timeline that does \
                not match its meta file (then --out is not written).
                """
        )

        @Option(help: ArgumentHelp("Window length in seconds (default: one window over the whole video).", valueName: "SECONDS"))
        var window: Double?

        @Option(name: .long, help: ArgumentHelp("Output file, written atomically (default: stdout).", valueName: "FILE"))
        var out: String?

        @Option(help: ArgumentHelp("csv or jsonl (default: from --out's name, else csv).", valueName: "FORMAT"))
        var format: String?

        @Argument(help: ArgumentHelp("Timelines (.timeline.jsonl) or folders of them.", valueName: "TIMELINE|DIR"))
        var inputs: [String]

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("Give at least one timeline or folder.") }
            if let window, !(window > 0 && window.isFinite) { throw ValidationError("--window must be a positive number of seconds.") }
            if let format, SummaryFormat(rawValue: format) == nil { throw ValidationError("--format must be csv or jsonl.") }
        }

        func run() throws {
            let chosen = format.flatMap(SummaryFormat.init(rawValue:)) ?? out.map(SummaryFormat.forFile) ?? .csv
            do {
                let timelines = try TimelineInput.resolve(inputs)
                for meta in TimelineInput.failedInputs(in: inputs) {
                    Mien.warn("warning: \(meta): its input failed (no timeline), so it has no rows")
                }
                let file: AtomicFileWriter?
                do { file = try out.map { path throws(AnalysisError) in try AtomicFileWriter(path: path) } } catch {
                    throw AnalyticsError(error.message)
                }
                var chunk = chosen.header
                func flush() throws(AnalyticsError) {
                    do {
                        if let file { try file.append(chunk) } else { FileHandle.standardOutput.write(Data(chunk.utf8)) }
                    } catch { throw AnalyticsError(error.message) }
                    chunk = ""
                }
                for timeline in timelines {
                    let summarizer = TimelineSummarizer(video: timeline.name, window: window) { chunk += chosen.line($0) }
                    try TimelineScan.read(timeline) { record throws(AnalyticsError) in
                        summarizer.add(record)
                        if chunk.utf8.count >= 1 << 20 { try flush() }
                    }
                    summarizer.finish()
                }
                try flush()
                do { try file?.commit() } catch { throw AnalyticsError(error.message) }
            } catch let error as AnalyticsError { throw Fatal(error.message) }
        }
    }
}
