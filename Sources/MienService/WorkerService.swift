import Dispatch
import Foundation
import MienJobs
import MienPipeline
import Synchronization

/// `mien worker`: claims shards from a store, analyses them, commits the
/// results, until stopped (or, with `exitWhenIdle`, until no job has work left).
///
/// While a shard is analysed a heartbeat renews its lease every third of the
/// lease length (`LeaseHeartbeat`: each bounded, retried when the store is
/// silent). A result is committed only while the lease holds (the store
/// fences it); a worker that lost its lease (it stalled past it) is refused
/// and says so. Every other store call is bounded by the store itself
/// (`--store-timeout`). One that finds the store unreachable or silent is
/// tried again after 1, 2, 4 ... 30 s while the outage lasts less than
/// `storeOutageSeconds` (a database restarting must not end every worker
/// of a cluster at once); past that it ends `run` with that
/// `JobStoreError`, so `mien worker` exits non-zero with it rather than
/// hang; its shard's lease then expires and another worker redoes it. A
/// shard that fails is handed back with a backoff that doubles per attempt
/// (2, 4, 8 ... s, at most 60 s); the store marks it dead after the job's
/// attempt budget. Once a stop is requested the worker claims no
/// more shards; the shard in hand stops at its next batch of frames and is
/// released (handed back without counting an attempt), so a stop takes
/// seconds however long the shard.
public final class WorkerService: Sendable {
    /// How the worker behaves.
    public struct Options: Sendable {
        /// Worker id stamped on leases (`host:pid` by default).
        public var id: String
        /// Lease length, seconds.
        public var leaseSeconds: Double
        /// Exit when no job has pending or leased shards.
        public var exitWhenIdle: Bool
        /// Seconds between claims when there is nothing to claim.
        public var idlePoll: Double
        /// Only this job's shards (nil: any job's); with `exitWhenIdle`, idle
        /// means this job has nothing left.
        public var job: JobID?
        /// How long the store may stay unreachable or silent before the
        /// worker gives up, seconds (0: at the first failed call).
        public var storeOutageSeconds: Double

        /// Creates options.
        public init(id: String = WorkerService.defaultID(), leaseSeconds: Double = 60, exitWhenIdle: Bool = false, idlePoll: Double = 1,
                    job: JobID? = nil, storeOutageSeconds: Double = 300) {
            self.id = id
            self.leaseSeconds = leaseSeconds
            self.exitWhenIdle = exitWhenIdle
            self.idlePoll = idlePoll
            self.job = job
            self.storeOutageSeconds = storeOutageSeconds
        }
    }

    /// What a worker did.
    public struct Report: Sendable, Equatable {
        /// Shards committed.
        public var completed = 0
        /// Shards that failed (handed back for a retry or dead).
        public var failed = 0
        /// Results refused because the lease was lost.
        public var refused = 0
        /// Shards handed back unfinished because a stop was asked for.
        public var released = 0
    }

    let store: any JobStore
    let processor: ShardProcessor
    let options: Options
    let log: @Sendable (String) -> Void

    /// Creates a worker.
    /// - Parameter log: where progress lines go (stderr in `mien worker`).
    public init(store: any JobStore, processor: ShardProcessor, options: Options, log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.processor = processor
        self.options = options
        self.log = log
    }

    /// `hostname:pid`.
    public static func defaultID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// Retry delay after the `attempt`-th failure, seconds.
    public static func backoff(attempt: Int) -> Double { min(60, pow(2, Double(max(1, attempt)))) }

    /// Runs until `stop` is requested or, with `exitWhenIdle`, until nothing is left.
    public func run(stop: StopSignal?) async throws -> Report {
        var report = Report()
        while !(stop?.requested ?? false) {
            let claimed = try await outlastingOutages("claim", stop: stop) { [store, options] in
                try await store.claim(worker: options.id, lease: options.leaseSeconds, job: options.job)
            }
            guard let lease = claimed else {
                if options.exitWhenIdle, try await !outlastingOutages("list jobs", stop: stop, { try await self.hasUnfinishedWork() }) { break }
                try await Task.sleep(for: .seconds(options.idlePoll))
                continue
            }
            log("claimed shard \(lease.index) of \(lease.input) (job \(lease.job), attempt \(lease.attempt))")
            let started = DispatchTime.now().uptimeNanoseconds
            let heartbeat = LeaseHeartbeat.start(
                store: store, lease: lease, shard: "shard \(lease.index) of \(lease.input)", log: log)
            let outcome = await Self.runBlocking { [processor] in
                try processor.process(lease, shouldStop: { stop?.requested ?? false })
            }
            heartbeat.cancel()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            switch outcome {
            case .success(let data):
                if try await outlastingOutages("commit", stop: nil, { [store] in try await store.complete(lease, result: data) }) {
                    report.completed += 1
                    log(String(format: "done shard %d of %@ in %.1f s", lease.index, lease.input, seconds))
                } else {
                    report.refused += 1
                    log("lost the lease of shard \(lease.index) of \(lease.input) (stalled past it?): result discarded, another worker redoes it")
                }
            case .failure(let error as AnalysisError) where error.code == .interrupted:
                if try await outlastingOutages("hand back", stop: nil, { [store] in try await store.release(lease) }) {
                    report.released += 1
                    log("stopped: shard \(lease.index) of \(lease.input) handed back unfinished, for another worker or a later run")
                } else {
                    log("stopped: shard \(lease.index) of \(lease.input) was no longer held (lease lost)")
                }
            case .failure(let error):
                report.failed += 1
                let delay = Self.backoff(attempt: lease.attempt)
                _ = try await outlastingOutages("report the failure", stop: stop) { [store] in
                    try await store.fail(lease, error: "\(error)", retryAfter: delay)
                }
                log("shard \(lease.index) of \(lease.input) failed (attempt \(lease.attempt)): \(error)")
            }
        }
        return report
    }

    /// `call` to the store, waiting out an outage of up to `storeOutageSeconds`.
    func outlastingOutages<T: Sendable>(_ what: String, stop: StopSignal?,
                                        _ call: @Sendable () async throws -> T) async throws -> T {
        try await StoreOutage(seconds: options.storeOutageSeconds, log: log).outlast(what, stop: stop, call)
    }

    /// Whether any job that is not cancelled (the worker's job, when it has
    /// one) still has shards to do.
    func hasUnfinishedWork() async throws -> Bool {
        try await store.jobs().contains {
            !$0.cancelled && $0.shards > $0.done + $0.dead && (options.job == nil || $0.id == options.job)
        }
    }

    /// Runs blocking work on a dispatch thread, off the concurrency pool.
    public static func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Result { try body() }) }
        }
    }
}
