import Dispatch
import MienFace
import MienMedia
import MienNN

/// Analyses one time range of one video: decode and sample, then detect,
/// align, classify and track each sampled frame (`FrameStage`s), giving a
/// `ShardResult`. Per-frame stages run on `threads` threads; the result does
/// not depend on the thread count.
///
/// A whole video is one shard (`ShardTask.wholeVideo`). Frame indices
/// (`FrameRecord.frame`) count on from the task's `firstFrame`; nil when the
/// probe did not know it.
public struct ShardAnalyzer: Sendable {
    /// The models, shared.
    public let models: AnalysisModels
    /// What to compute.
    public let settings: AnalysisSettings
    /// Threads for the per-frame stages.
    public let threads: Int

    /// Creates an analyzer.
    ///
    /// The analyzer runs frames in parallel, each on its own thread, so
    /// OpenBLAS must run on one (its own threads, entered from several threads
    /// at once, are slower and once crashed a test): that is
    /// `MatrixMultiply.useSingleThreadedBLAS()`, the one place that sets it,
    /// which `mien` calls at start and is called here too for library users.
    public init(models: AnalysisModels, settings: AnalysisSettings, threads: Int) {
        self.models = models
        self.settings = settings
        self.threads = max(1, threads)
        MatrixMultiply.useSingleThreadedBLAS()
    }

    /// Frames analysed together (while the next batch is decoded): enough to keep every thread busy.
    var batchSize: Int { threads * 4 }
    /// A batch is also closed once its frames hold this many bytes of pixels
    /// (RGB and gray), but never below one frame per thread: at 1080p (8 MB a
    /// frame) 8 frames in a batch and 8 decoded beside it cost 130 MB.
    static let batchPixelBytes = 24 << 20

    /// Analyses one shard (by default the whole video) of the video `info` describes.
    ///
    /// Frames of the task's warm-up are detected and tracked, not recorded.
    /// Reading that breaks off (a truncated or damaged file) is not an error:
    /// the frames before it are kept, and on a sampling grid every later grid
    /// time of the shard up to the probed duration gets an `undecodable` record.
    /// - Parameters:
    ///   - progress: called after each batch with the records so far and the last timestamp.
    ///   - shouldStop: asked before each decoded frame; once it says true the
    ///     batch in flight is waited for and the shard abandoned.
    /// - Throws: `MediaError` when the input cannot be opened at all;
    ///   `AnalysisError` with code `.interrupted` when `shouldStop` said so.
    public func analyze(
        _ info: VideoInfo, task: ShardTask = .wholeVideo, options: MediaOpenOptions = MediaOpenOptions(),
        progress: (_ records: Int, _ time: Double) -> Void = { _, _ in }, shouldStop: () -> Bool = { false }
    ) throws -> ShardResult {
        let range = task.range
        let clock = DispatchTime.now().uptimeNanoseconds
        let parallel = ParallelFrames(threads: threads)
        let frameStages = BackgroundBatch(stages: [
            DetectionStage(detector: models.detector, parallel: parallel),
            AlignmentStage(aligner: models.aligner, parallel: parallel),
            ClassificationStage(classifier: models.classifier, parallel: parallel),
        ])
        var tracking = TrackingStage(settings: settings.tracker, start: range.start)
        tracking.startStream()

        var times = StageTimes()
        var records: [FrameRecord] = []
        var batch: [FrameWork] = []
        var batchBytes = 0
        batch.reserveCapacity(batchSize)

        // The batch in flight is tracked (in time order, here) once the next one is started.
        func trackFinished() throws {
            var done = try frameStages.finish()
            guard !done.isEmpty else { return }
            for i in done.indices { done[i].toStreamPixels() }
            let started = DispatchTime.now().uptimeNanoseconds
            try tracking.process(&done)
            times.track += Self.seconds(since: started)
            records.append(contentsOf: done.filter { !$0.isWarmUp }.map { $0.record() })
            if let last = records.last { progress(records.count, last.t) }
        }
        func flush() throws {
            try trackFinished()
            if !batch.isEmpty { frameStages.start(batch) }
            batch.removeAll(keepingCapacity: true)
        }

        let reader = try VideoReader(path: info.path, options: options)
        var readError: String?
        var mark = DispatchTime.now().uptimeNanoseconds
        do {
            try reader.read(range: task.decodedRange, sampling: settings.sampling) { sample in
                if shouldStop() { throw AnalysisError(.interrupted, "\(info.path): stopped before the shard was finished") }
                let frame = sample.frame
                var work = FrameWork(t: sample.time, frame: task.firstFrame.map { $0 + sample.position }, frameTime: frame.time,
                                     status: frame.isDamaged ? .damaged : .ok)
                work.isWarmUp = sample.time < range.start - TimeRange.tolerance
                do {
                    // At the frame's own size, boxes mapped to the stream's after (a stream that ramps up keeps its detail).
                    work.rgb = try frame.image(frame.ownSize(.rgb))
                    work.gray = try frame.image(frame.ownSize(.gray))
                    let scale = frame.streamScale
                    if scale != (1, 1) { work.streamScale = scale }
                } catch {
                    work.fail("\(error)")
                }
                batch.append(work)
                batchBytes += (work.rgb?.pixels.count ?? 0) + (work.gray?.pixels.count ?? 0)
                times.decode += Self.seconds(since: mark)
                if batch.count >= batchSize || (batch.count >= threads && batchBytes >= Self.batchPixelBytes) {
                    try flush()
                    batchBytes = 0
                }
                mark = DispatchTime.now().uptimeNanoseconds
            }
        } catch let error as MediaError {
            readError = error.message
        } catch {
            _ = try? frameStages.finish()  // no batch may outlive the shard
            throw error
        }
        times.decode += Self.seconds(since: mark)
        try flush()
        try trackFinished()
        let stageTimes = frameStages.times
        times.detect = stageTimes.detect
        times.align = stageTimes.align
        times.classify = stageTimes.classify
        if readError == nil && reader.endedWithErrors {
            readError = reader.stats.lastError.map { "reading stopped on an error: \($0)" } ?? "reading stopped on an error"
        }
        if readError == nil, task.end == nil, let end = info.dataEnd {
            readError = String(format: "the data ends at %.3f s of the %.3f s the video's header gives: the file was cut off "
                               + "(while recording or copying?)", end, info.duration)
        }
        if let readError, let fps = settings.fps {
            records += Self.undecodableTail(after: records.last?.t, range: range, fps: fps, duration: info.duration, reason: readError)
        }
        return ShardResult(task: task, records: records, tracks: tracking.shard, decode: reader.stats,
                           readError: readError, times: times, seconds: Self.seconds(since: clock), models: models.summary)
    }

    /// Records for the grid times after `last` (or from the range's start) up
    /// to the end of the range or the video, when reading broke off (or, at
    /// collection, for a shard that failed every attempt).
    public static func undecodableTail(after last: Double?, range: TimeRange, fps: Double, duration: Double, reason: String) -> [FrameRecord] {
        let end = min(range.end, duration)
        var k = last.map { Int(($0 * fps).rounded()) + 1 } ?? Int(((range.start - TimeRange.tolerance) * fps).rounded(.up))  // as GridSampler
        var tail: [FrameRecord] = []
        while Double(k) / fps < end - TimeRange.tolerance {
            tail.append(FrameRecord(t: Double(k) / fps, frame: nil, frameTime: nil, status: .undecodable, error: reason))
            k += 1
        }
        return tail
    }

    static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
