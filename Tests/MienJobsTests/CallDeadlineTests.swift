import Dispatch
import Foundation
import Synchronization
import Testing
@testable import MienJobs

/// `CallDeadline`: the caller waits at most the bound, even for a call that
/// ignores cancellation; results and errors pass through; a cancelled caller
/// returns at once.
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
        let started = ContinuousClock.now
        await #expect(throws: Late.self) {
            try await CallDeadline.run(seconds: 0.2, timeout: { Late() }, onTimeout: { timedOut.withLock { $0 = true } }) {
                await Self.deaf(30)
                return 1
            }
        }
        // About 0.2 s; far below the call's 30 s even with the runner's threads busy.
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(timedOut.withLock { $0 })
    }

    @Test func resultsAndErrorsPassThrough() async throws {
        let value = try await CallDeadline.run(seconds: 5, timeout: { Late() }) { 42 }
        #expect(value == 42)
        await #expect(throws: CocoaError.self) {
            try await CallDeadline.run(seconds: 5, timeout: { Late() }) { () async throws -> Int in throw CocoaError(.fileNoSuchFile) }
        }
    }

    @Test func aCancelledCallerReturnsAtOnce() async throws {
        let started = ContinuousClock.now
        let caller = Task {
            try await CallDeadline.run(seconds: 60, timeout: { Late() }) {
                await Self.deaf(30)
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        await #expect(throws: CancellationError.self) { _ = try await caller.value }
        // About 0.1 s; far below the call's 30 s and the 60 s bound.
        #expect(ContinuousClock.now - started < .seconds(15))
    }
}
