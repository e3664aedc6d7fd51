import Dispatch
import Testing

/// Runs a test's tasks on a dispatch queue's threads instead of the shared
/// concurrency pool. In a full run the suites that block that pool's few
/// threads (running processes, models) leave an async test waiting for a
/// turn for a minute or more, which the store tests that hold a lease for
/// 8 or 30 s cannot take; a dispatch queue gets a thread of its own even
/// then. Tasks the test starts itself (and the stores' own) still use the
/// shared pool.
final class DispatchQueueExecutor: TaskExecutor, @unchecked Sendable {
    /// The one executor the traited tests share.
    static let shared = DispatchQueueExecutor()
    private let queue = DispatchQueue(label: "mien.tests.own-threads", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// `.onOwnThreads`: runs each test of a suite on `DispatchQueueExecutor`.
struct OwnThreadsTrait: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(DispatchQueueExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OwnThreadsTrait {
    /// Runs the tests on threads of their own (see `DispatchQueueExecutor`).
    static var onOwnThreads: Self { Self() }
}
