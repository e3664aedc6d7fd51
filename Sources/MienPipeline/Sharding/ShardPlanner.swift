import MienMedia

/// Splits a video into shards of about `shardSeconds`, each starting at a
/// keyframe so that a worker decodes only its range (plus a warm-up).
///
/// Rules:
/// - A still image, a video no longer than 1.5 x `shardSeconds`, one with
///   fewer than two keyframes, or one that cannot be seeked by time
///   (`VideoInfo.seeksByTime`: joined recordings whose timestamps start
///   again, raw streams without timestamps) is one shard.
/// - Otherwise a shard starts at the first keyframe at least `shardSeconds`
///   after the previous start, unless fewer than `shardSeconds / 2` would be
///   left after it (the tail joins the last shard). The last shard runs to
///   the end of the video, whatever its probed duration says.
/// - Every shard but the first gets a warm-up: decoding starts at the last
///   keyframe at or before `start - warmUp` (0 for none).
/// On a sampling grid, keyframe-aligned shards give exactly the whole video's
/// records: a grid time takes the last frame at or before it, which is inside
/// the shard that holds the grid time, since each shard starts on a frame.
public struct ShardPlanner: Sendable, Hashable {
    /// Target shard length, seconds.
    public var shardSeconds: Double
    /// Seconds decoded and tracked before each shard (not recorded).
    public var warmUp: Double

    /// Creates a planner.
    public init(shardSeconds: Double = 30, warmUp: Double = 2) {
        self.shardSeconds = shardSeconds
        self.warmUp = warmUp
    }

    /// The shards of the video `info` describes, in time order.
    public func plan(_ info: VideoInfo) -> [ShardTask] {
        let keyframes = info.keyframeTimes
        guard !info.isImage, info.seeksByTime, info.duration > 1.5 * shardSeconds, keyframes.count >= 2 else {
            return [.wholeVideo]
        }
        var starts: [Int] = []  // keyframe positions; the first shard starts at 0
        var last = 0.0
        for (k, time) in keyframes.enumerated() where time - last >= shardSeconds - 1e-9 {
            if info.duration - time < shardSeconds / 2 { break }
            starts.append(k)
            last = time
        }
        let frameOf = { (k: Int) -> Int? in info.keyframeFrames.count == keyframes.count ? info.keyframeFrames[k] : nil }
        var tasks = [ShardTask(index: 0, start: 0, end: starts.first.map { keyframes[$0] }, firstFrame: 0)]
        for (i, k) in starts.enumerated() {
            let end = i + 1 < starts.count ? keyframes[starts[i + 1]] : nil
            var task = ShardTask(index: i + 1, start: keyframes[k], end: end, firstFrame: frameOf(k))
            if warmUp > 0, k > 0 {
                let w = keyframes[..<k].lastIndex { $0 <= keyframes[k] - warmUp + 1e-9 } ?? 0
                task.warmUpStart = w == 0 ? 0 : keyframes[w]
                task.firstFrame = w == 0 ? 0 : frameOf(w)
            }
            tasks.append(task)
        }
        return tasks
    }
}
