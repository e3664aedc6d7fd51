import Foundation
import MienFace

/// The local worker processes of `mien analyze`: children running `mien
/// worker --exit-when-idle` on the embedded store. A child that dies while
/// work remains (a crash on a bad input, a kill) is replaced; its shard's
/// lease expires and the shard is retried or, after its attempts, dead.
struct WorkerPool {
    let store: String
    let count: Int
    let threads: Int
    /// Lease length for local workers: short, so a shard of a killed worker
    /// is taken over (or a resumed run starts it again) within seconds.
    static let leaseSeconds = 10
    /// Most replacements before giving up on keeping workers alive.
    static let maxRestarts = 50
    private var children: [Process] = []
    private var restarts = 0

    init(store: String, count: Int, threads: Int) {
        self.store = store
        self.count = count
        self.threads = threads
    }

    /// Starts workers until `count` are running; replaces those that exited.
    mutating func keepAlive() throws {
        children.removeAll { !$0.isRunning }
        while children.count < count {
            if restarts >= count + Self.maxRestarts { return }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.executable())
            process.arguments = ["worker", "--store", store, "--exit-when-idle", "--quiet",
                                 "--lease", String(Self.leaseSeconds), "--threads", String(threads)]
            try process.run()
            children.append(process)
            restarts += 1
        }
    }

    /// Waits for every child to exit (they do once no work is left, or after a stop signal).
    func waitForExit() {
        for child in children where child.isRunning { child.waitUntilExit() }
    }

    /// This program's path.
    static func executable() -> String {
        ModelDirectory.executablePath().path
    }
}
