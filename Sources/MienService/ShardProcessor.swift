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

    /// Creates a processor.
    public init(threads: Int, modelDirectory: String? = nil) {
        self.threads = max(1, threads)
        self.modelDirectory = modelDirectory
    }

    /// Analyses the leased shard. The input is probed again here: the worker
    /// checks it can open it, and needs nothing from the coordinator but the lease.
    /// - Parameter shouldStop: polled between batches of frames; once it says
    ///   true the shard is abandoned with `AnalysisError` code `.interrupted`.
    /// - Throws: `ServiceError` for unreadable payloads, `AnalysisError` when
    ///   models cannot be loaded or a stop came, `MediaError` when the input cannot be opened.
    public func process(_ lease: ShardLease, shouldStop: () -> Bool = { false }) throws -> Data {
        let settings = try PayloadCoding.decode(JobSettings.self, from: lease.settings, what: "job settings")
        let task = try PayloadCoding.decode(ShardTask.self, from: lease.payload, what: "shard description")
        if shouldStop() { throw AnalysisError(.interrupted, "\(lease.input): stopped before the shard was started") }
        let options = MediaOpenOptions(allowNetwork: settings.allowNetwork, allowPlaylists: settings.allowPlaylists)
        let info = try VideoProber.probe(lease.input, options: options)
        let analyzer = try analyzer(for: settings, key: lease.settings)
        let result = try analyzer.analyze(info, task: task, options: options, shouldStop: shouldStop)
        return try PayloadCoding.encode(result)
    }

    /// The analyzer for these settings, loading the models the first time.
    func analyzer(for settings: JobSettings, key: Data) throws -> ShardAnalyzer {
        lock.lock()
        defer { lock.unlock() }
        if let cached = analyzers[key] { return cached }
        let models = try AnalysisModels(settings: settings.analysis, directory: modelDirectory)
        let analyzer = ShardAnalyzer(models: models, settings: settings.analysis, threads: threads)
        analyzers[key] = analyzer
        return analyzer
    }
}
