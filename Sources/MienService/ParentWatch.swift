import Dispatch
import Foundation

/// Stops a worker whose parent process is gone: `mien analyze` starts its
/// workers with `--parent-pid`, and a worker whose parent died (even by
/// SIGKILL, which gives the parent no chance to stop it) must not go on as an
/// orphan. Twice a second the worker's parent process id is compared with the
/// one it was started by; once it differs (the worker was re-parented), a
/// graceful stop is requested, and if the worker has not exited
/// `forcedExitSeconds` later (within its lease) it exits with status 1 (its
/// lease then expires).
///
/// Polling rather than Linux's `PR_SET_PDEATHSIG`: that signal fires when the
/// *thread* that started the child ends, and the threads that run Swift's
/// concurrency come and go, so it would stop healthy workers.
public final class ParentWatch {
    /// How long after noticing that the parent died the worker is made to exit.
    public let forcedExitSeconds: Double
    private let timer: any DispatchSourceTimer

    /// The grace a worker with this lease gets: 80% of the lease, at most 8 s,
    /// so that with the half-second polling it is gone before its lease ends.
    public static func forcedExitSeconds(lease: Double) -> Double { max(0.5, min(8, lease * 0.8 - 0.5)) }

    /// Starts watching.
    /// - Parameters:
    ///   - parent: the process id the worker was started by.
    ///   - stop: the stop to request when the parent is gone.
    ///   - lease: the worker's lease length, seconds (see `forcedExitSeconds(lease:)`).
    ///   - log: where to say so.
    public init(parent: pid_t, stop: StopSignal, lease: Double, log: @escaping @Sendable (String) -> Void) {
        let grace = Self.forcedExitSeconds(lease: lease)
        forcedExitSeconds = grace
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now(), repeating: .milliseconds(500))
        timer.setEventHandler {
            guard getppid() != parent else { return }
            timer.cancel()
            log("parent process \(parent) is gone: stopping")
            stop.request()
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
                log("parent process \(parent) is gone and the worker did not stop within \(grace) s: exiting")
                exit(1)
            }
        }
        timer.resume()
        self.timer = timer
    }

    deinit { timer.cancel() }
}
