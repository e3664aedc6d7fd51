import Foundation
import MienJobs
import MienMedia
import MienPipeline

/// The coordinator's first step: probe every input, plan its shards
/// (`ShardPlanner`), and describe the job for `JobStore.submit`.
///
/// The submission's key is a hash of everything that decides the output: the
/// inputs (absolute path, size and modification time), their output names, the
/// settings (with the model files' digests, `JobSettings.weights`) and the
/// attempt budget. The same inputs and settings therefore give the same key,
/// and the store returns the existing job (a re-run resumes it); a changed
/// file, a changed setting, other model files or a `nonce` gives a new job.
public struct JobPlanner: Sendable {
    /// The job's settings.
    public let settings: JobSettings
    /// Attempts per shard before it is dead.
    public let maxAttempts: Int

    /// Creates a planner.
    public init(settings: JobSettings, maxAttempts: Int = 3) {
        self.settings = settings
        self.maxAttempts = maxAttempts
    }

    /// How inputs are opened.
    public var mediaOptions: MediaOpenOptions {
        settings.mediaOptions
    }

    /// The submission for `inputs` (files, not folders) with their output `names`.
    /// Workers open each input by its absolute path (or URL), so relative paths
    /// work from any folder on a shared volume mounted at the same place.
    /// An input that cannot be probed is submitted without shards, failed with its error.
    /// - Parameter nonce: any text, to make a new job from the same inputs and settings.
    /// - Parameter shouldStop: asked before each input; true stops the planning
    ///   (`mien analyze` on Ctrl-C: probing a folder of long recordings takes a while).
    /// - Parameter warn: told of inputs that are analysed, but not as usual
    ///   (`warnings(for:input:videoStreamAsked:)`).
    /// - Throws: `CancellationError` when `shouldStop` said so.
    public func submission(inputs: [String], names: [String], nonce: String? = nil,
                           shouldStop: () -> Bool = { false }, warn: (String) -> Void = { _ in }) throws -> JobSubmission {
        precondition(inputs.count == names.count, "one name per input")
        let planner = ShardPlanner(shardSeconds: settings.shardSeconds, warmUp: settings.warmUp)
        var videos: [VideoSubmission] = []
        var identity: [String] = []
        for (input, name) in zip(inputs, names) {
            if shouldStop() { throw CancellationError() }
            let summary = InputSummary(path: input)
            var payload = VideoPayload(input: summary, probe: nil, failure: nil)
            var shards: [Data] = []
            do {
                let info = try VideoProber.probe(input, options: mediaOptions)
                payload.probe = info
                Self.warnings(for: info, input: input, videoStreamAsked: settings.videoStream != nil).forEach(warn)
                shards = try planner.plan(info).map { try PayloadCoding.encode(ShardPayload(task: $0, probe: info)) }
            } catch let error as MediaError {
                payload.failure = ErrorSummary(code: error.code.rawValue, message: error.description)
            }
            videos.append(VideoSubmission(input: summary.absolutePath, name: name, info: try PayloadCoding.encode(payload),
                                          shards: shards, failure: payload.failure?.message))
            identity.append("\(summary.absolutePath)\t\(summary.bytes ?? -1)\t\(Self.modified(input))\t\(name)")
        }
        let settingsData = try PayloadCoding.encode(settings)
        identity.append(String(decoding: settingsData, as: UTF8.self))
        identity.append("attempts=\(maxAttempts)")
        if let nonce { identity.append("nonce=\(nonce)") }
        return JobSubmission(key: "v1:" + Self.hash(identity.joined(separator: "\n")), settings: settingsData,
                             maxAttempts: maxAttempts, videos: videos)
    }

    /// What the user is told about an input analysed, but not as usual:
    /// timestamps that start again, one of several video streams read.
    public static func warnings(for info: VideoInfo, input: String, videoStreamAsked: Bool) -> [String] {
        var lines: [String] = []
        if info.timestampResets > 0 {
            let resets = info.timestampResets
            lines.append("warning: \(input): its timestamps start again from an earlier time \(resets == 1 ? "once" : "\(resets) times") "
                + "(recordings joined end to end?); times in its timeline run on across the joins, and it is analysed as one shard")
        }
        if info.videoStreams > 1 && !videoStreamAsked {
            lines.append("warning: \(input): it has \(info.videoStreams) video streams; only stream #\(info.streamIndex) "
                + "(\(info.width)x\(info.height)) is analysed (--video-stream N picks another, counted from 0)")
        }
        return lines
    }

    /// The file's modification time in whole milliseconds, or -1.
    static func modified(_ path: String) -> Int64 {
        guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return -1 }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// 32 hex digits: FNV-1a 64 of the text with two different offset bases.
    static func hash(_ text: String) -> String {
        StableHash.hex(StableHash.fnv1a(text), digits: 16) + StableHash.hex(StableHash.fnv1a(text, basis: 0x84222325_cbf29ce4), digits: 16)
    }
}
