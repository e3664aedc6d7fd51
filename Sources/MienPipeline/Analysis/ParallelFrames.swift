import Dispatch
import Synchronization

/// Runs per-frame work on several threads. Each frame is touched by exactly
/// one thread, and the result does not depend on the thread count.
struct ParallelFrames: Sendable {
    /// Threads to use (1: the calling thread only).
    let threads: Int

    /// Applies `body` to every analysable frame of `batch`; a frame whose
    /// `body` throws is marked failed with the error's text.
    func forEach(_ batch: inout [FrameWork], _ body: @Sendable (inout FrameWork) throws -> Void) {
        let count = batch.count
        batch.withUnsafeMutableBufferPointer { buffer in
            let frames = UnsafeFrames(base: buffer.baseAddress!)
            withoutActuallyEscaping(body) { body in
                let work: @Sendable (Int) -> Void = { i in
                    guard frames.base[i].isAnalysable else { return }
                    do { try body(&frames.base[i]) } catch { frames.base[i].fail("\(error)") }
                }
                if threads <= 1 || count <= 1 {
                    for i in 0..<count { work(i) }
                } else {
                    // Each thread takes the next frame not yet taken, so uneven frames even out.
                    let next = Atomic<Int>(0)
                    DispatchQueue.concurrentPerform(iterations: min(threads, count)) { _ in
                        while true {
                            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                            if i >= count { break }
                            work(i)
                        }
                    }
                }
            }
        }
    }
}

/// The batch's storage, shared with the worker threads; each index is written by one thread only.
private struct UnsafeFrames: @unchecked Sendable {
    let base: UnsafeMutablePointer<FrameWork>
}
