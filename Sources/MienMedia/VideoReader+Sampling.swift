/// A frame delivered by `VideoReader.read`, with the grid point it stands for.
public struct SampledFrame {
    /// Grid index `k` (with `.grid`), or the frame's position in the read (with `.everyFrame`).
    public let index: Int
    /// The grid time `k / fps` (with `.grid`), or the frame's own time (with `.everyFrame`).
    public let time: Double
    /// How many frames this read decoded before this one (0 for the first
    /// frame at or after the range's start). For a read from the start of the
    /// video, this is the frame's index in the stream, in presentation order.
    public let position: Int
    /// The decoded frame.
    public let frame: DecodedFrame
}

extension VideoReader {
    /// Decodes the frames of `range` and hands them to `body` in time order.
    ///
    /// With `.everyFrame`, each frame whose time is in the range and not
    /// before the previous one's (a frame that would make time go back, as where
    /// recordings joined end to end overlap, is left out, though counted in
    /// `position`); with
    /// `.grid(fps:)`, one frame per grid point `k / fps` in the range (see
    /// `GridSampler`). A still image gives its one frame at time 0.
    /// - Throws: `MediaError` for an invalid range (one that starts beyond any real
    ///   video included) or sampling rate, or unreadable input, or what `body` throws.
    public func read(range: TimeRange = .all, sampling: Sampling, _ body: (SampledFrame) throws -> Void) throws {
        guard range.isValid, range.start <= TimestampMath.maxSeconds else {
            throw MediaError(.invalidRequest, path: info.path, "invalid time range \(range)")
        }
        if info.isImage {
            if range.contains(0), let frame = try nextFrame() { try body(SampledFrame(index: 0, time: 0, position: 0, frame: frame)) }
            return
        }
        try seek(to: range.start)
        switch sampling {
        case .everyFrame:
            var position = 0
            var latest: Double?
            while let frame = try nextFrame() {
                if frame.time >= range.end - TimeRange.tolerance { break }
                guard range.contains(frame.time) else { continue }
                defer { position += 1 }
                // A frame before the last one given (parts joined with an
                // overlap) would make time go back. (Equal times stay: frames
                // without timestamps in a stream of unknown rate all have one.)
                if let latest, frame.time < latest - TimeRange.tolerance { continue }
                latest = frame.time
                try body(SampledFrame(index: position, time: frame.time, position: position, frame: frame))
            }
        case .grid(let fps):
            guard fps > 0 && fps <= TimestampMath.maxGridFPS else {
                throw MediaError(.invalidRequest, path: info.path,
                    "sampling rate must be positive and at most \(Int(TimestampMath.maxGridFPS)) per second, got \(fps)")
            }
            var sampler = GridSampler<(frame: DecodedFrame, position: Int)>(fps: fps, range: range)
            var last: DecodedFrame?
            var position = 0
            while !sampler.isDone, let frame = try nextFrame() {
                try sampler.push(time: frame.time, item: (frame, position)) { pick in
                    try body(SampledFrame(index: pick.index, time: pick.time, position: pick.item.position, frame: pick.item.frame))
                }
                last = frame
                position += 1
            }
            if let last, !sampler.isDone {
                try sampler.finish(streamEnd: last.time + last.duration) { pick in
                    try body(SampledFrame(index: pick.index, time: pick.time, position: pick.item.position, frame: pick.item.frame))
                }
            }
        }
    }
}
