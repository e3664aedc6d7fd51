import Foundation
import MienFace
import Mustache

/// Builds `mien report`'s page: one self-contained HTML file for an analysis
/// output folder or a collected job (`NAME.meta.json` and `NAME.timeline.jsonl` files).
///
/// Each timeline is read once, one line at a time; what is kept per track is
/// bounded (`VideoDigest`), so a 2-hour video with 40 tracks makes a page of
/// about a megabyte. Face thumbnails come from the videos the meta files name.
public struct ReportBuilder {
    /// The most tracks per video that get a chart and a thumbnail (those with the most faces); all are in the shares table.
    public static let maxChartedTracks = 60

    /// The folder reported on.
    public let folder: String
    /// `mien VERSION`, printed in the page.
    public let generator: String
    /// Where notes go (a missing video, say).
    public let warn: (String) -> Void

    /// A builder for `folder`.
    public init(folder: String, generator: String, warn: @escaping (String) -> Void = { _ in }) {
        self.folder = folder
        self.generator = generator
        self.warn = warn
    }

    /// The page.
    /// - Throws: `AnalyticsError` naming the file for a folder without timelines, a damaged
    ///   timeline or meta file, a timeline that does not match its meta file, or a video that does not match its timeline.
    public func html() throws(AnalyticsError) -> String {
        let names = try inputNames()
        var inputs: [InputRow] = []
        var videos: [VideoSection] = []
        for name in names {
            let timelinePath = folder + "/" + name + TimelineInput.timelineSuffix
            let metaPath = folder + "/" + name + TimelineInput.metaSuffix
            guard FileManager.default.fileExists(atPath: timelinePath) else {
                inputs.append(Self.failedRow(name: name, meta: try MetaFile.read(metaPath)))
                continue
            }
            let input = try TimelineInput(timelinePath: timelinePath)
            let digest = try VideoDigest.read(input)
            let anchor = "video-\(videos.count + 1)"
            inputs.append(Self.row(name: name, anchor: anchor, meta: input.meta, digest: digest))
            videos.append(try section(input, digest: digest, anchor: anchor))
        }
        let page = ReportPage(
            title: "Mien report: " + ((folder as NSString).standardizingPath.split(separator: "/").last.map(String.init) ?? folder),
            generator: generator, folder: folder, inputs: inputs, videos: videos,
            legend: Emotion.allCases.indices.map { LegendEntry(name: Emotion.allCases[$0].rawValue, color: ChartGeometry.colors[$0]) })
        let library: MustacheLibrary
        do { library = try ReportTemplates.library() } catch { throw AnalyticsError("report templates do not parse: \(error)") }
        guard let html = library.render(page, withTemplate: "page") else { throw AnalyticsError("report template missing") }
        return html
    }

    /// The inputs' names (`NAME` of `NAME.meta.json` or `NAME.timeline.jsonl`), sorted.
    private func inputNames() throws(AnalyticsError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw AnalyticsError("\(folder): no such folder (give the --out folder of mien analyze or mien collect)")
        }
        let files = TimelineInput.visibleNames(in: folder)
        let strip = { (suffix: String) in files.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) } }
        let timelines = strip(TimelineInput.timelineSuffix), metas = strip(TimelineInput.metaSuffix)
        guard !timelines.isEmpty else {
            let failed = metas.sorted().prefix(5).joined(separator: ", ")
            let why = metas.isEmpty ? "" : "; its \(metas.count) meta file(s) are of inputs that failed (\(failed)\(metas.count > 5 ? ", ..." : ""))"
            throw AnalyticsError("\(folder): no timelines (*\(TimelineInput.timelineSuffix)) to report on\(why)")
        }
        return Set(timelines + metas).sorted()
    }

    private func section(_ input: TimelineInput, digest: VideoDigest, anchor: String) throws(AnalyticsError) -> VideoSection {
        let charted = digest.tracks.values.sorted { ($0.samples, -$0.track) > ($1.samples, -$1.track) }
            .prefix(Self.maxChartedTracks).sorted { $0.track < $1.track }
        let (thumbs, videoNote) = try thumbnails(for: charted, input: input)
        let smoothing = input.meta?.settings.smooth ?? "none"
        let bucketSeconds = digest.span / Double(VideoDigest.chartBuckets)
        let smoothingNote = (digest.plotsSmoothed
            ? "Charts and shares use the smoothed probabilities (smoothing \(smoothing))."
            : "Not smoothed: charts and shares use the classifier's probabilities.")
            + (digest.records > VideoDigest.chartBuckets
                ? " Each chart point is the mean over \(String(format: "%.2g", bucketSeconds)) s." : "")
        let trackSections = charted.map { track -> TrackSection in
            let summary = digest.summaries[track.track]
            let emotions = summary.map { digest.plotsSmoothed ? ($0.smoothed ?? $0.raw) : $0.raw }
            return TrackSection(
                label: "track \(track.track)", thumbnail: thumbs[track.track],
                thumbnailNote: videoNote == nil ? "no frame" : "no video",
                onScreen: summary.map { ChartGeometry.clock($0.seconds) } ?? "",
                dominant: emotions?.dominant.rawValue ?? "",
                chart: ChartGeometry.lineChart(track, buckets: VideoDigest.chartBuckets, span: digest.span,
                                              maxGap: digest.maxGap(of: VideoDigest.chartBuckets)))
        }
        let omitted = digest.tracks.count - charted.count
        return VideoSection(
            name: input.name, anchor: anchor, smoothingNote: smoothingNote, videoNote: videoNote,
            lanes: ChartGeometry.laneChart(charted, buckets: VideoDigest.presenceBuckets, span: digest.span,
                                           maxGap: digest.maxGap(of: VideoDigest.presenceBuckets)),
            tracks: trackSections,
            omittedNote: omitted > 0 ? "\(omitted) more tracks with fewer faces are not charted; all are in the table below." : nil,
            shares: digest.summaries.keys.sorted().map { Self.shareRow(digest.summaries[$0]!, smoothed: digest.plotsSmoothed) },
            shareColumns: Emotion.allCases.map(\.rawValue))
    }
}
