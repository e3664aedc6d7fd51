import Foundation

/// Runs work with a time limit: the answer is a 503 once `seconds` pass, and
/// the work's task is cancelled then. Work on a dispatch thread (probing,
/// inference) cannot be stopped and finishes unseen, but work that checks for
/// cancellation before it commits (`JobSubmitter` before it stores a job)
/// leaves nothing behind the client was told failed.
enum Deadline {
    /// - Parameter afterwards: added to the 503's message (what becomes of the work).
    static func run<T: Sendable>(
        _ seconds: Double, _ what: String, afterwards: String = "", _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let once = ResumeOnce(continuation)
            let work = Task {
                do { once.resume(.success(try await body())) } catch { once.resume(.failure(error)) }
            }
            let limit = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
            let timer = Task {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                work.cancel()
                once.resume(.failure(APIError(.serviceUnavailable, "\(what) took longer than the server's limit of \(limit) s" + afterwards)))
            }
            Task {
                _ = await work.result
                timer.cancel()
            }
        }
    }
}

/// A continuation resumed by the first of several racers.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        let waiting = continuation
        continuation = nil
        lock.unlock()
        waiting?.resume(with: result)
    }
}

/// At most `limit` bodies at once; the others wait their turn (first come, first served).
actor ConcurrencyLimit {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` once fewer than `limit` others run.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running >= limit { await withCheckedContinuation { waiting.append($0) } } else { running += 1 }
        defer {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
