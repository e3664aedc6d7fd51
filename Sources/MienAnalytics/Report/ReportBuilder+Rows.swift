import Foundation
import MienFace
import MienPipeline

extension ReportBuilder {
    /// The inputs-table row of a video with a timeline.
    static func row(name: String, anchor: String, meta: MetaFile?, digest: VideoDigest) -> InputRow {
        var problems: [String] = []
        if let message = meta?.error?.message { problems.append(message) }
        let damaged = FrameStatus.allCases.filter { $0 != .ok }.compactMap { status in
            digest.statusCounts[status].map { "\($0) \(status.rawValue)" }
        }
        if !damaged.isEmpty { problems.append("timeline lines: " + damaged.joined(separator: ", ")) }
        let faces = digest.summaries.values.reduce(0) { $0 + $1.samples }
        return InputRow(
            name: name, anchor: anchor, hasSection: true, status: meta?.status ?? "no meta file",
            statusClass: meta?.status ?? "partial", duration: ChartGeometry.clock(meta?.probe?.duration ?? digest.span),
            faces: String(faces), tracks: String(digest.tracks.count), errors: problems.joined(separator: "; "))
    }

    /// The inputs-table row of an input without a timeline.
    static func failedRow(name: String, meta: MetaFile) -> InputRow {
        InputRow(name: name, anchor: "", hasSection: false, status: meta.status, statusClass: meta.status,
                 duration: meta.probe.map { ChartGeometry.clock($0.duration) } ?? "", faces: "", tracks: "",
                 errors: meta.error.map { "\($0.code): \($0.message)" } ?? "")
    }

    /// A shares-table row: smoothed shares when the video was smoothed.
    static func shareRow(_ summary: TrackWindowSummary, smoothed: Bool) -> ShareRow {
        let emotions = smoothed ? (summary.smoothed ?? summary.raw) : summary.raw
        return ShareRow(
            track: String(summary.track), onScreen: ChartGeometry.clock(summary.seconds), samples: String(summary.samples),
            dominant: emotions.dominant.rawValue, valence: String(format: "%+.2f", emotions.valence), changes: String(emotions.changes),
            cells: emotions.shares.map { share in
                ShareCell(text: String(format: "%.1f%%", share * 100), shade: String(format: "rgba(31, 119, 180, %.2f)", share * 0.6))
            })
    }

    /// Thumbnails by track id, and a note when there are none because the video cannot be found.
    /// - Throws: `AnalyticsError` when the video found does not match the timeline.
    func thumbnails(for tracks: [TrackDigest], input: TimelineInput) throws(AnalyticsError) -> ([Int: String], String?) {
        guard let meta = input.meta else {
            return ([:], "No meta file beside the timeline, so the video is unknown: no face thumbnails.")
        }
        // Where the video was analysed, else beside the report, else from here; of those that exist, the
        // first of the size the meta file records (another file of the same name and length is not it).
        let existing = [meta.input.absolutePath, folder + "/" + meta.input.path, meta.input.path]
            .filter { !$0.contains("://") && FileManager.default.fileExists(atPath: $0) }
        let sized = existing.first { path in meta.input.bytes.map { FaceThumbnails.fileSize(path) == $0 } ?? true }
        guard let video = sized ?? existing.first else {
            warn("mien report: \(meta.input.path): video not found; the report has no face thumbnails for \(input.name)")
            return ([:], "The video \(meta.input.path) was not found, so there are no face thumbnails.")
        }
        let maker = try FaceThumbnails(videoPath: video, expected: meta.probe, bytes: meta.input.bytes, timelinePath: input.timelinePath)
        var thumbnails: [Int: String] = [:]
        for track in tracks.sorted(by: { $0.bestTime < $1.bestTime }) {
            thumbnails[track.track] = maker.thumbnail(at: track.bestTime, box: track.bestBox)
        }
        return (thumbnails, nil)
    }
}
