import Dispatch

/// Runs the per-frame stages (detect, align, classify) over one batch on a
/// background queue, so that the caller decodes the next batch meanwhile.
/// One batch at a time: `start`, then `finish` before the next `start`.
final class BackgroundBatch: @unchecked Sendable {
    // Safety: `batch`, `times` and `failure` are written by the background
    // block only between `start` and the group's completion, and read by the
    // caller only after `finish` has waited for it.
    private let queue = DispatchQueue(label: "mien.frame-stages")
    private let group = DispatchGroup()
    private let stages: [any FrameStage]
    private var batch: [FrameWork] = []
    private var failure: (any Error)?
    private var running = false
    /// Seconds spent in each stage over every finished batch.
    private(set) var times = StageTimes()

    /// Stages without state across frames; `startStream()` is called on each.
    init(stages: [any FrameStage]) {
        var stages = stages
        for i in stages.indices { stages[i].startStream() }
        self.stages = stages
    }

    /// Starts the stages on `frames` in the background.
    func start(_ frames: [FrameWork]) {
        precondition(!running, "finish the batch in flight first")
        running = true
        batch = frames
        queue.async(group: group) { [self] in
            var stages = self.stages
            do {
                for i in stages.indices {
                    let started = DispatchTime.now().uptimeNanoseconds
                    try stages[i].process(&batch)
                    times.add(ShardAnalyzer.seconds(since: started), to: stages[i].name)
                }
            } catch {
                failure = error
            }
        }
    }

    /// Waits for the batch in flight and returns it (empty when none is).
    /// - Throws: what a stage threw.
    func finish() throws -> [FrameWork] {
        guard running else { return [] }
        group.wait()
        running = false
        if let failure { throw failure }
        defer { batch = [] }
        return batch
    }
}
