import Synchronization
@testable import MienJobs

/// Measures the time this test process could run, as `CallDeadline` counts
/// it: a tick that comes back much later than asked (every thread of the
/// test runner's pool busy with other suites, sometimes for minutes) counts
/// only its own length. A bound checked against it holds on a quiet machine
/// and on a busy one alike.
final class RunnableStopwatch: Sendable {
    private let counted = Mutex(0.0)
    private let ticking = Mutex<Task<Void, Never>?>(nil)

    /// Starts counting.
    init() {
        let task = Task { [self] in
            let slice = 0.05
            while !Task.isCancelled {
                let asleep = ContinuousClock.now
                try? await Task.sleep(for: .milliseconds(50))
                let took = ContinuousClock.now - asleep
                let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
                counted.withLock { $0 += seconds > slice + CallDeadline.lateness ? slice : seconds }
            }
        }
        ticking.withLock { $0 = task }
    }

    /// Stops counting and returns the runnable seconds counted.
    func stop() -> Double {
        ticking.withLock { $0?.cancel() }
        return counted.withLock { $0 }
    }
}
