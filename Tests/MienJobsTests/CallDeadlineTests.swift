import Dispatch
import Foundation
import Synchronization
import Testing
@testable import MienJobs

/// `CallDeadline`: the caller waits at most the bound, even for a call that
/// ignores cancellation; results and errors pass through; a cancelled caller
/// returns at once; an abandoned call is told so (`onAbandon`).
@Suite("CallDeadline")
struct CallDeadlineTests {
    struct Late: Error {}

    /// Waits `seconds` on a dispatch queue, deaf to task cancellation, as a
    /// query on a silent connection is.
    static func deaf(_ seconds: Double) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume() }
        }
    }

    @Test func aCallThatIgnoresCancellationStillTimesOut() async throws {
        let timedOut = Mutex(false)
        let stopwatch = RunnableStopwatch()
        await #expect(throws: Late.self) {
            try await CallDeadline.run(seconds: 0.2, timeout: { Late() }, onAbandon: { timedOut.withLock { $0 = true } }) {
                await Self.deaf(3600)
                return 1
            }
        }
        // About 0.2 s of runnable time, far below the call's hour.
        #expect(stopwatch.stop() < 5)
        #expect(timedOut.withLock { $0 })
    }

    @Test func resultsAndErrorsPassThrough() async throws {
        let abandoned = Mutex(false)
        let value = try await CallDeadline.run(seconds: 5, timeout: { Late() }, onAbandon: { abandoned.withLock { $0 = true } }) { 42 }
        #expect(value == 42)
        #expect(!abandoned.withLock { $0 })
        await #expect(throws: CocoaError.self) {
            try await CallDeadline.run(seconds: 5, timeout: { Late() }) { () async throws -> Int in throw CocoaError(.fileNoSuchFile) }
        }
    }

    @Test func aCancelledCallerReturnsAtOnceAndAbandonsTheCall() async throws {
        let stopwatch = RunnableStopwatch()
        let abandoned = Mutex(false)
        let caller = Task {
            try await CallDeadline.run(seconds: 60, timeout: { Late() }, onAbandon: { abandoned.withLock { $0 = true } }) {
                await Self.deaf(3600)
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        await #expect(throws: CancellationError.self) { _ = try await caller.value }
        // About 0.1 s of runnable time; far below the call's hour and the 60 s bound.
        #expect(stopwatch.stop() < 5)
        #expect(abandoned.withLock { $0 })
    }
}
