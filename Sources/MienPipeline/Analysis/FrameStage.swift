/// One step of the per-frame pipeline (detect, align, classify, track).
///
/// Lifecycle: a stage is set up once (its `init` loads or receives what it
/// needs; models are shared), then for each stream (a video, or a shard of
/// one) `startStream()` is called, then `process` for each batch of frames in
/// time order, and `reset(at:)` when the stream jumps (timestamps going
/// backwards: frames from before cannot be continued).
protocol FrameStage: Sendable {
    /// Name in timings (`detect`, `align`, ...).
    var name: String { get }
    /// Prepares for a new stream; state from the previous one is dropped.
    mutating func startStream()
    /// Fills in this stage's part of each analysable frame of `batch`.
    /// A problem with one frame marks that frame `failed`; a thrown error stops the stream.
    mutating func process(_ batch: inout [FrameWork]) throws
    /// Drops state that assumes continuity, before the frame at `time`.
    mutating func reset(at time: Double)
}

extension FrameStage {
    mutating func startStream() {}
    mutating func reset(at time: Double) {}
}
