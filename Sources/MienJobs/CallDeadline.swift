import Synchronization

/// A bound on how long a caller waits for an async call, whether or not the
/// call itself gives up: a query on a connection whose packets are dropped
/// waits for an answer forever and ignores task cancellation, so a task group
/// with a timer child would wait for it too. Here the call runs in a task of
/// its own; at the deadline the caller gets `timeout()` at once, the call is
/// cancelled and `onAbandon` runs (to make it give up, e.g. by closing its
/// connection), and nobody waits for it to end. A cancelled caller abandons
/// the call the same way.
///
/// The bound counts the time this process could run, not time it was
/// starved: the deadline is a clock of short ticks, and a tick that comes
/// back much later than asked (the process was stopped, or every thread of
/// the concurrency pool was blocked, as a busy test runner's are for minutes)
/// counts only its own length. Starved like that, the call could not have
/// been answered either, and a silent server is what the bound is for.
public enum CallDeadline {
    /// The deadline clock's tick, at most; shorter for short bounds.
    static let tick = 0.25
    /// How late a tick may come back and still count in full, seconds.
    static let lateness = 0.5

    /// Runs `body` and returns its result, or throws `timeout()` once `seconds`
    /// (of time this process could run) have passed without one. Cancelling the caller cancels `body` and throws
    /// `CancellationError` at once. `onAbandon` runs when the caller stops
    /// waiting before `body` ended (the deadline, or a cancellation).
    /// - Throws: what `body` throws, `timeout()`, or `CancellationError`.
    public static func run<T: Sendable>(
        seconds: Double,
        timeout: @escaping @Sendable () -> any Error,
        onAbandon: @escaping @Sendable () -> Void = {},
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard race.start(continuation) else { return }
                race.add(Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                })
                race.add(Task {
                    await waitRunnable(seconds)
                    if Task.isCancelled { return }
                    race.finish(.failure(timeout()), beforeResuming: onAbandon)
                })
            }
        } onCancel: {
            race.finish(.failure(CancellationError()), beforeResuming: onAbandon)
        }
    }

    /// Sleeps until `seconds` of runnable time have passed (see the type's
    /// notes), or until cancelled.
    static func waitRunnable(_ seconds: Double) async {
        let step = max(0.001, min(tick, seconds / 4))
        var counted = 0.0
        while counted < seconds && !Task.isCancelled {
            let slice = min(step, seconds - counted)
            let asleep = ContinuousClock.now
            try? await Task.sleep(for: .microseconds(Int((slice * 1e6).rounded(.up))))
            let took = ContinuousClock.now - asleep
            let tookSeconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
            counted += tookSeconds > slice + lateness ? slice : tookSeconds
        }
    }
}

/// The state of one `CallDeadline.run`: the waiting caller, the call and the
/// timer; the first to finish resumes the caller and cancels the other.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var finished = false
    }

    private let state = Mutex(State())

    /// Installs the caller's continuation; false (and the continuation resumed
    /// with `CancellationError`) when the caller was cancelled already.
    func start(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let cancelled = state.withLock { state in
            if state.finished { return true }
            state.continuation = continuation
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    /// Keeps `task` to cancel when the race ends (at once if it has ended).
    func add(_ task: Task<Void, Never>) {
        let ended = state.withLock { state in
            if !state.finished { state.tasks.append(task) }
            return state.finished
        }
        if ended { task.cancel() }
    }

    /// Resumes the caller with `result` if nobody has yet; true if this did.
    /// `beforeResuming` runs first when this ends the race, so the caller
    /// finds its effect done (a deadline's connection closed). A caller
    /// cancelled before `start` only marks the race ended here (false: no
    /// call was under way); `start` then resumes it with `CancellationError`.
    @discardableResult
    func finish(_ result: Result<T, any Error>, beforeResuming: () -> Void = {}) -> Bool {
        let (continuation, tasks) = state.withLock { state in
            guard !state.finished else { return (CheckedContinuation<T, any Error>?.none, [Task<Void, Never>]()) }
            state.finished = true
            defer { state.continuation = nil; state.tasks = [] }
            return (state.continuation, state.tasks)
        }
        guard let continuation else { return false }
        for task in tasks { task.cancel() }
        beforeResuming()
        continuation.resume(with: result)
        return true
    }
}
