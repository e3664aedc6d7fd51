import Synchronization

/// A bound on how long a caller waits for an async call, whether or not the
/// call itself gives up: a query on a connection whose packets are dropped
/// waits for an answer forever and ignores task cancellation, so a task group
/// with a timer child would wait for it too. Here the call runs in a task of
/// its own; at the deadline the caller gets `timeout()` at once, the call is
/// cancelled and `onTimeout` runs (to make it give up, e.g. by closing its
/// connection), and nobody waits for it to end.
public enum CallDeadline {
    /// Runs `body` and returns its result, or throws `timeout()` once `seconds`
    /// have passed without one. Cancelling the caller cancels `body` and throws
    /// `CancellationError` at once.
    /// - Throws: what `body` throws, `timeout()`, or `CancellationError`.
    public static func run<T: Sendable>(
        seconds: Double,
        timeout: @escaping @Sendable () -> any Error,
        onTimeout: @escaping @Sendable () -> Void = {},
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
                    try? await Task.sleep(for: .milliseconds(Int((max(0, seconds) * 1000).rounded(.up))))
                    if Task.isCancelled { return }
                    if race.finish(.failure(timeout())) { onTimeout() }
                })
            }
        } onCancel: {
            race.cancel()
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
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, tasks) = state.withLock { state in
            guard !state.finished else { return (CheckedContinuation<T, any Error>?.none, [Task<Void, Never>]()) }
            state.finished = true
            defer { state.continuation = nil; state.tasks = [] }
            return (state.continuation, state.tasks)
        }
        guard let continuation else { return false }
        for task in tasks { task.cancel() }
        continuation.resume(with: result)
        return true
    }

    /// The caller was cancelled: ends the race with `CancellationError` (before
    /// `start` too, which then resumes the caller with it: only a cancellation
    /// can end the race before the tasks exist).
    func cancel() {
        finish(.failure(CancellationError()))
    }
}
