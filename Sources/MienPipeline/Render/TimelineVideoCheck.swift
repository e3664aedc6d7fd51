import Foundation
import MienMedia

/// Checks that a timeline belongs to a video before it is drawn on it
/// (`mien render`), so a wrong pairing fails with a reason instead of drawing
/// boxes in the wrong places.
///
/// From the meta file beside the timeline (`NAME.meta.json`, when there is
/// one): the schema and version, a status other than `failed`, the probed
/// displayed size and duration, and the input's size in bytes. From every
/// record: times that never go back and stay within the video's duration, and
/// boxes that overlap the frame.
public struct TimelineVideoCheck {
    /// The timeline, for messages.
    public let timeline: String
    /// The video, for messages.
    public let video: String
    /// What the video's headers say.
    public let info: VideoInfo
    /// Seconds a time may lie past the video's duration: one frame interval and 10 ms of rounding.
    public var slack: Double { (info.fps.map { 1 / $0 } ?? 0) + 0.01 }

    private var lastTime: Double?

    /// A check of `timeline` against `video`, which `info` describes.
    public init(timeline: String, video: String, info: VideoInfo) {
        self.timeline = timeline
        self.video = video
        self.info = info
    }

    /// The meta file written beside a timeline: `NAME.meta.json` for `NAME.timeline.jsonl`; nil for another name.
    public static func metaPath(forTimeline path: String) -> String? {
        let suffix = ".timeline.jsonl"
        guard path.hasSuffix(suffix) else { return nil }
        return String(path.dropLast(suffix.count)) + ".meta.json"
    }

    /// Checks the meta file at `path` against the video, whose file holds `videoBytes` bytes (nil: unknown).
    /// - Throws: `AnalysisError.badTimeline` naming the files and what differs.
    public func checkMeta(at path: String, videoBytes: Int?) throws(AnalysisError) {
        let origin: TimelineOrigin
        do {
            origin = try JSONDecoder().decode(TimelineOrigin.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw AnalysisError(.badTimeline, "\(path): not a readable mien meta file: \(TimelineFile.describe(error))")
        }
        guard origin.schema == TimelineMeta.schemaName, origin.schemaVersion == TimelineMeta.currentVersion else {
            throw AnalysisError(.badTimeline,
                "\(path): schema \(origin.schema) version \(origin.schemaVersion) is not \(TimelineMeta.schemaName) version \(TimelineMeta.currentVersion)")
        }
        guard origin.status != TimelineStatus.failed.rawValue else {
            throw AnalysisError(.badTimeline, "\(path): the analysis of \(origin.input.path) failed; it has no timeline to draw")
        }
        let source = "\(timeline) was made from \(origin.input.path) (\(path))"
        if let probe = origin.probe {
            guard probe.width == info.width, probe.height == info.height else {
                if info.isCodedSizeOfStretched(width: probe.width, height: probe.height) {
                    // The same video, analysed before Mien stretched non-square pixels to the displayed shape.
                    throw AnalysisError(.badTimeline,
                        "\(source) at its coded size, \(probe.width)x\(probe.height), by a mien that did not yet stretch "
                        + "non-square pixels; \(video) shows at \(info.width)x\(info.height): analyse it again")
                }
                throw AnalysisError(.badTimeline,
                    "\(source), a \(probe.width)x\(probe.height) video; \(video) is \(info.width)x\(info.height): not the same video")
            }
            guard abs(probe.duration - info.duration) <= slack else {
                throw AnalysisError(.badTimeline,
                    "\(source), a video of \(Self.seconds(probe.duration)); \(video) lasts \(Self.seconds(info.duration)): not the same video")
            }
        }
        if let recorded = origin.input.bytes, let videoBytes, recorded != videoBytes {
            throw AnalysisError(.badTimeline,
                "\(source), a file of \(recorded) bytes; \(video) has \(videoBytes) bytes: not the same video")
        }
    }

    /// Checks one record, read from line `line`; records come in file order.
    /// - Throws: `AnalysisError.badTimeline` naming the timeline, the line and what is wrong.
    public mutating func check(_ record: FrameRecord, line: Int) throws(AnalysisError) {
        let at = "\(timeline): line \(line)"
        if let lastTime, record.t < lastTime {
            throw AnalysisError(.badTimeline, "\(at): t = \(record.t) s comes after t = \(lastTime) s; a timeline is in time order")
        }
        lastTime = record.t
        let end = info.duration + slack
        for (name, time) in [("t", record.t), ("frame_t", record.frameTime)] {
            if let time, time > end {
                throw AnalysisError(.badTimeline,
                    "\(at): \(name) = \(time) s is past the end of \(video) (\(Self.seconds(info.duration))): the timeline is of another video")
            }
        }
        for face in record.faces {
            let box = face.box
            if box[0] >= Double(info.width) || box[1] >= Double(info.height) || box[0] + box[2] <= 0 || box[1] + box[3] <= 0 {
                throw AnalysisError(.badTimeline,
                    "\(at): track \(face.track)'s box \(box) lies outside \(video)'s \(info.width)x\(info.height) frame: the timeline is of another video")
            }
        }
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
}

/// The parts of a meta file that say which video a timeline was made from.
private struct TimelineOrigin: Decodable {
    struct Input: Decodable {
        var path: String
        var bytes: Int?
    }

    struct Probe: Decodable {
        var width: Int
        var height: Int
        var duration: Double
    }

    var schema: String
    var schemaVersion: Int
    var status: String
    var input: Input
    var probe: Probe?

    enum CodingKeys: String, CodingKey { case schema, schemaVersion = "schema_version", status, input, probe }
}
