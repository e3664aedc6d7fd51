import Foundation
import MienJobs

/// Keeps a worker's lease alive while its shard is analysed: a heartbeat
/// every third of the lease, each bounded by that third too, so a store that
/// goes silent cannot hold it up.
///
/// A heartbeat that fails (no answer within its bound, or the store
/// unreachable) is logged once and retried every second, so one lost answer
/// does not cost the lease; an answer again is logged too. When the lease has
/// gone a whole lease length without a confirmed renewal the worker says so
/// (another worker may be redoing the shard by then); it keeps trying, since
/// an unanswered heartbeat may still have reached the store, and the commit
/// is then left to the store's fence, which refuses it if the lease expired.
/// A heartbeat the store refuses (the lease is gone) ends the heartbeats.
public enum LeaseHeartbeat {
    /// Starts the heartbeats for `lease`; cancel the task when the shard is done.
    /// - Parameters:
    ///   - shard: how the shard is named in log lines ("shard 3 of a.mp4").
    ///   - log: where notices go.
    public static func start(
        store: any JobStore, lease: ShardLease, shard: String, log: @escaping @Sendable (String) -> Void
    ) -> Task<Void, Never> {
        Task {
            let interval = lease.leaseSeconds / 3
            let retry = min(1, interval)
            var renewed = ContinuousClock.now
            var failing = false
            var ranOut = false
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int((failing ? retry : interval) * 1000)))
                if Task.isCancelled { break }
                let sent = ContinuousClock.now
                do {
                    let held = try await CallDeadline.run(seconds: interval, timeout: {
                        JobStoreError(.timedOut, "no answer from the job store within \(String(format: "%g", interval)) s")
                    }) { try await store.heartbeat(lease) }
                    guard held else {
                        log("the store refused the heartbeat of \(shard): its lease was lost; the result will be refused")
                        break
                    }
                    if failing { log("the heartbeat of \(shard) is answered again: lease renewed") }
                    failing = false
                    ranOut = false
                    renewed = sent
                } catch is CancellationError {
                    break
                } catch {
                    if !failing { log("heartbeat of \(shard) failed: \(error); retrying every \(String(format: "%g", retry)) s") }
                    failing = true
                    if !ranOut && ContinuousClock.now - renewed > .milliseconds(Int(lease.leaseSeconds * 1000)) {
                        ranOut = true
                        log("the lease of \(shard) has run out without a renewal: another worker may redo the shard, "
                            + "and this worker's result will be refused unless the store still holds the lease")
                    }
                }
            }
        }
    }
}
