import Foundation
import MienJobs
import MienMedia
import MienPipeline

/// What a worker does with a leased shard: read the payloads, analyse the
/// shard (`ShardAnalyzer`), and return the `ShardResult` as the result payload.
///
/// Models are loaded once per distinct settings and kept, so a worker going
/// through many shards of one job loads them once.
public final class ShardProcessor: @unchecked Sendable {
    // Safety: `analyzers` is only touched under `lock`.
    private let lock = NSLock()
    private var analyzers: [Data: ShardAnalyzer] = [:]
    /// Threads per shard for the per-frame stages.
    public let threads: Int
    /// The model folder, or nil to find it.
    public let modelDirectory: String?

    /// How an input whose payload carries no probe is probed (`VideoProber.probe`; tests count the calls).
    let probe: @Sendable (String, MediaOpenOptions) throws -> VideoInfo

    /// Creates a processor.
    public convenience init(threads: Int, modelDirectory: String? = nil) {
        self.init(threads: threads, modelDirectory: modelDirectory, probe: { path, options in
            try VideoProber.probe(path, options: options)
        })
    }

    /// Creates a processor that probes with `probe`.
    public init(threads: Int, modelDirectory: String? = nil,
                probe: @escaping @Sendable (String, MediaOpenOptions) throws -> VideoInfo) {
        self.threads = max(1, threads)
        self.modelDirectory = modelDirectory
        self.probe = probe
    }

    /// Analyses the leased shard. The input is probed once per job, by the
    /// coordinator: its figures come in the shard's payload (`ShardPayload`),
    /// so the worker opens the input only to decode its range. A payload
    /// without them (a job stored by an older version) is probed here.
    /// - Parameter shouldStop: polled between batches of frames; once it says
    ///   true the shard is abandoned with `AnalysisError` code `.interrupted`.
    /// - Throws: `ServiceError` for unreadable payloads, `AnalysisError` when
    ///   models cannot be loaded or are not the job's, or a stop came, `MediaError` when the input cannot be opened.
    public func process(_ lease: ShardLease, shouldStop: () -> Bool = { false }) throws -> Data {
        let settings = try PayloadCoding.decode(JobSettings.self, from: lease.settings, what: "job settings")
        let payload = try PayloadCoding.decode(ShardPayload.self, from: lease.payload, what: "shard description")
        let task = payload.task
        if shouldStop() { throw AnalysisError(.interrupted, "\(lease.input): stopped before the shard was started") }
        let options = settings.mediaOptions
        let info: VideoInfo
        if var carried = payload.probe {
            carried.path = lease.input  // as the worker opens it (the coordinator may have had a relative path)
            info = carried
        } else {
            info = try probe(lease.input, options)
        }
        let analyzer = try analyzer(for: settings, key: lease.settings)
        let result = try analyzer.analyze(info, task: task, options: options, shouldStop: shouldStop)
        return try PayloadCoding.encode(result)
    }

    /// The analyzer for these settings, loading the models the first time,
    /// once their files are found to be the job's (`JobSettings.weights`).
    func analyzer(for settings: JobSettings, key: Data) throws -> ShardAnalyzer {
        lock.lock()
        defer { lock.unlock() }
        if let cached = analyzers[key] { return cached }
        if let expected = settings.weights {
            let here = try ModelWeights(settings: settings.analysis, directory: modelDirectory)
            let differences = here.differences(from: expected)
            guard differences.isEmpty else {
                throw AnalysisError(.modelUnavailable, "this worker's model files in \(here.folder) are not the ones the job was "
                    + "submitted with: \(differences.joined(separator: "; ")) (a worker of another Mien version or model folder); "
                    + "run the job's workers with its submitter's Mien and models, then mien retry the job")
            }
        }
        let models = try AnalysisModels(settings: settings.analysis, directory: modelDirectory)
        let analyzer = ShardAnalyzer(models: models, settings: settings.analysis, threads: threads)
        analyzers[key] = analyzer
        return analyzer
    }
}
