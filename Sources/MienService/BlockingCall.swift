import Dispatch

/// Waits on a dispatch thread for async work: the timeline writer is
/// synchronous and reads shard results from the store one at a time, so
/// `JobCollector` runs it off the concurrency pool (`WorkerService.runBlocking`)
/// and each read blocks that thread, never a pool thread, until the store answers.
/// Synchronous commands (`mien bench queue`) wait for their async work with it too.
public enum BlockingCall {
    /// Runs `body` as a task and blocks the calling thread until it ends.
    /// Never call it on a thread of Swift's concurrency pool.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Where the task leaves its result for the blocked thread.
private final class ResultBox<T>: @unchecked Sendable {
    // Safety: written by the task before the semaphore is signalled, read after the wait.
    var result: Result<T, any Error>?
}
