import ArgumentParser
import Foundation
import MienService

extension Mien {
    /// `mien worker`: process shards from a store.
    struct Worker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim shards from a job store, analyse them and commit the results, until stopped.",
            discussion: """
                Run one worker per core, on any machine that sees the store and the inputs. A worker \
                renews its lease while it works; if it dies or stalls, the lease expires and another \
                worker redoes the shard (a stalled worker's late result is refused). SIGTERM or \
                Ctrl-C: stop the current shard at its next batch of frames, hand it back unfinished \
                (no attempt is counted) and exit within seconds with status 128 + signal (143 for \
                SIGTERM, 130 for Ctrl-C: stopped, not finished, so a Kubernetes Job replaces an \
                evicted worker); a second signal exits at once with the same status (the shard's \
                lease then expires). With --exit-when-idle it \
                exits (status 0) once no job has shards left to do. With --job it takes only that \
                job's shards.
                """
        )

        @OptionGroup var storeOptions: StoreOptions

        @Flag(help: "Exit when no job has pending or running shards.")
        var exitWhenIdle = false

        @Option(help: "Take only this job's shards (its id, as submit prints it); with --exit-when-idle, exit once it has none left.")
        var job: String?

        @Option(help: "Lease length in seconds (renewed every third of it while working).")
        var lease = 60.0

        @Option(help: ArgumentHelp("Seconds the store may stay unreachable or silent before the worker gives up and exits 1.",
                                   discussion: "Each failed call is tried again after 1, 2, 4 ... 30 s; 0 gives up at the first."))
        var storeOutage = 300.0

        @Option(help: "Threads for the per-frame work of one shard.")
        var threads = 1

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        @Option(help: .hidden)
        var parentPid: Int32?

        func validate() throws {
            if !(lease >= 1) { throw ValidationError("--lease must be at least 1 second.") }
            if !(storeOutage >= 0) { throw ValidationError("--store-outage must be 0 or more seconds.") }
            if threads < 1 { throw ValidationError("--threads must be at least 1.") }
        }

        func run() async throws {
            let stop = StopSignal()
            let quiet = self.quiet
            let id = WorkerService.defaultID()
            let log: @Sendable (String) -> Void = { line in if !quiet { Mien.warn("worker \(id): \(line)") } }
            try await storeOptions.using(outage: StoreOutage(seconds: storeOutage, log: log), stop: stop) { store in
                let worker = WorkerService(
                    store: store, processor: ShardProcessor(threads: threads),
                    options: .init(id: id, leaseSeconds: lease, exitWhenIdle: exitWhenIdle, job: job, storeOutageSeconds: storeOutage),
                    log: log)
                // Started by `mien analyze`: never outlive it (see ParentWatch).
                let watch = parentPid.map { ParentWatch(parent: $0, stop: stop, lease: lease, log: { Mien.warn("worker \(id): \($0)") }) }
                let report = try await worker.run(stop: stop)
                withExtendedLifetime(watch) {}
                if !quiet {
                    Mien.warn("worker \(id): stopping; \(report.completed) shards done, \(report.failed) failed, "
                              + "\(report.refused) refused, \(report.released) handed back")
                }
            }
            // Stopped by a signal: say so in the status, as a shell's programs do.
            if let number = stop.firstSignal { throw ExitCode(128 + number) }
        }
    }
}
