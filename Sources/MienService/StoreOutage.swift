import Dispatch
import Foundation
import MienJobs

/// Waits out a job store's outage: a call that finds the store unreachable
/// or silent (`JobStoreError` `.unavailable`, `.timedOut`) is tried again
/// after 1, 2, 4 ... 30 s, until the outage has lasted `seconds` or a stop is
/// requested; then its error is thrown. A PostgreSQL server restarting (a
/// pod rescheduled, a failover) must not end every worker of a cluster at
/// once, each exit counted against the Job's `backoffLimit`.
public struct StoreOutage: Sendable {
    /// How long an outage may last before the call's error is thrown (0: at once).
    public let seconds: Double
    let log: @Sendable (String) -> Void

    /// Creates the policy; `log` gets a line before each new try.
    public init(seconds: Double, log: @escaping @Sendable (String) -> Void) {
        self.seconds = seconds
        self.log = log
    }

    /// `call`, tried again through an outage; `what` names it in the log.
    /// A fenced call (`complete`) tried again after a silent first try may
    /// find that try applied: it is refused then, as for a lost lease.
    public func outlast<T: Sendable>(_ what: String, stop: StopSignal?,
                                     _ call: @Sendable () async throws -> T) async throws -> T {
        let began = DispatchTime.now().uptimeNanoseconds
        var delay = 1.0
        while true {
            do { return try await call() } catch let error as JobStoreError where error.code == .unavailable || error.code == .timedOut {
                let left = seconds - Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
                guard left > 0, !(stop?.requested ?? false) else { throw error }
                let pause = min(delay, left)
                log("\(what): \(error); trying again in \(String(format: "%g", pause)) s "
                    + "(giving up after \(String(format: "%g", seconds)) s of outage)")
                try await Task.sleep(for: .seconds(pause))
                delay = min(30, delay * 2)
            }
        }
    }
}
