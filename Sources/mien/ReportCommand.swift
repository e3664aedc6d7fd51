import ArgumentParser
import Foundation
import MienAnalytics
import MienPipeline

extension Mien {
    /// `mien report`: one self-contained HTML page for an output folder.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one self-contained HTML report of an analysis output folder or a collected job.",
            discussion: """
                The page has a table of the inputs (status, duration, faces, tracks, errors) and, per \
                video, a lane chart of which track is on screen when, a chart of each track's emotion \
                probabilities over time (smoothed where smoothing ran; downsampled to 300 points), a face \
                thumbnail per track cut from the video the meta file names (the report says so when the \
                video is missing), and each track's emotion shares. Everything is inline (SVG charts, \
                PNG thumbnails as data: URIs): nothing loads from the network. At most 60 tracks per video \
                are charted (those with the most faces); all are in the shares table. Writes \
                DIR/report.html unless --out is given (written atomically). Exit code 1, with a message \
                naming the file, for a folder without timelines, a damaged timeline, a timeline that does not \
                match its meta file, or a video whose size or duration differ from what its meta file recorded.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Output file (default: DIR/report.html).", valueName: "FILE"))
        var out: String?

        @Argument(help: ArgumentHelp("The --out folder of mien analyze or mien collect.", valueName: "DIR"))
        var folder: String

        func run() throws {
            let path = out ?? folder + "/report.html"
            do {
                let html = try ReportBuilder(folder: folder, generator: "mien \(Mien.configuration.version)", warn: Mien.warn).html()
                let file = try AtomicFileWriter(path: path)
                try file.append(html)
                try file.commit()
            } catch let error as AnalyticsError {
                throw Fatal(error.message)
            } catch let error as AnalysisError {
                throw Fatal(error.message)
            }
            Mien.warn("mien report: wrote \(path)")
        }
    }
}
