import Foundation
import MienFace
import Synchronization

/// The local worker processes of `mien analyze`: children running `mien
/// worker --exit-when-idle --job ID` on the embedded store, so that they do
/// this run's job only, never the shards an earlier run (other inputs or
/// settings, stopped before it finished) left in the same store. A child that dies while
/// work remains (a crash on a bad input, a kill) is replaced; its shard's
/// lease expires and the shard is retried or, after its attempts, dead.
///
/// Stopping: the children run in process groups of their own (Foundation
/// starts them so), so a terminal's Ctrl-C reaches only `mien analyze`,
/// which passes it on: `stop()` sends each child SIGTERM (it hands its shard
/// back and exits), `kill()` sends SIGKILL. Each child also watches this
/// process (`--parent-pid`) and stops by itself if it dies.
final class WorkerPool: Sendable {
    let store: String
    let job: String
    let count: Int
    let threads: Int
    /// Lease length for local workers: short, so a shard of a killed worker
    /// is taken over (or a resumed run starts it again) within seconds.
    static let leaseSeconds = 10
    /// Most replacements before giving up on keeping workers alive.
    static let maxRestarts = 50
    /// Seconds the workers get to hand their shards back after `stop()`
    /// before they are killed.
    static let stopGraceSeconds = 10.0
    private let state = Mutex<(children: [Process], started: Int, stopped: Bool)>(([], 0, false))

    init(store: String, job: String, count: Int, threads: Int) {
        self.store = store
        self.job = job
        self.count = count
        self.threads = threads
    }

    /// Starts workers until `count` are running; replaces those that exited.
    /// Does nothing once `stop()` was called.
    /// - Throws: `Fatal` once `maxRestarts` replacements were used up and no
    ///   worker is left running, so the run ends instead of waiting for ever.
    func keepAlive() throws {
        try state.withLock { state in
            state.children.removeAll { !$0.isRunning }
            while !state.stopped && state.children.count < count {
                if state.started >= count + Self.maxRestarts {
                    guard state.children.isEmpty else { return }
                    throw Fatal("workers keep exiting before the work is done: \(state.started) worker processes started, "
                                + "none is left running (see their errors above); finished shards are kept, "
                                + "run the same command again to resume")
                }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Self.executable())
                process.arguments = ["worker", "--store", store, "--job", job, "--exit-when-idle", "--quiet",
                                     "--lease", String(Self.leaseSeconds), "--threads", String(threads),
                                     "--parent-pid", String(getpid())]
                do { try process.run() } catch {
                    throw Fatal("cannot start a worker process (\(Self.executable())): \(error.localizedDescription)")
                }
                state.children.append(process)
                state.started += 1
            }
        }
    }

    /// Asks every running worker to stop (SIGTERM): each hands its shard back
    /// and exits. No worker is started after this.
    func stop() {
        state.withLock { $0.stopped = true }
        signalAll(SIGTERM)
    }

    /// Kills every running worker (SIGKILL); their shards' leases expire.
    func kill() {
        state.withLock { $0.stopped = true }
        signalAll(SIGKILL)
    }

    /// Waits for every child to exit (they do once no work is left, or after
    /// `stop()`); with a `deadline`, kills those still running then.
    /// - Returns: whether some had to be killed.
    @discardableResult
    func waitForExit(deadline: Date? = nil) -> Bool {
        while running() > 0 {
            if let deadline, Date() >= deadline {
                kill()
                for child in state.withLock({ $0.children }) { child.waitUntilExit() }
                return true
            }
            usleep(50_000)
        }
        return false
    }

    /// How many children are running.
    func running() -> Int {
        state.withLock { $0.children.filter(\.isRunning).count }
    }

    private func signalAll(_ number: Int32) {
        for child in state.withLock({ $0.children }) where child.isRunning {
            Foundation.kill(child.processIdentifier, number)
        }
    }

    /// The program workers run: this one, or `$MIEN_WORKER_EXECUTABLE` (a
    /// wrapper for debugging or profiling a worker; tests use it to make
    /// workers that fail).
    static func executable() -> String {
        if let path = ProcessInfo.processInfo.environment["MIEN_WORKER_EXECUTABLE"], !path.isEmpty { return path }
        return ModelDirectory.executablePath().path
    }
}
