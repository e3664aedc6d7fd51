import MienFace
import MienPipeline

/// What a report keeps of one track while its timeline streams by: the
/// probabilities averaged into a fixed number of time buckets (so a 2-hour
/// track plots as a few hundred points), which presence buckets it is in,
/// and its best-scoring face for the thumbnail.
struct TrackDigest {
    /// The track id.
    let track: Int
    /// Probability sums per chart bucket, `Emotion.allCases` order, and the faces counted.
    private(set) var buckets: [Int: (sums: [Double], count: Int)] = [:]
    /// Presence buckets (finer than chart buckets) the track is seen in.
    private(set) var presence = Set<Int>()
    /// Faces of the track.
    private(set) var samples = 0
    /// The best-scoring face: when (the frame's own time) and where.
    private(set) var bestScore = -1.0
    private(set) var bestTime = 0.0
    private(set) var bestBox: [Double] = []

    init(track: Int) { self.track = track }

    /// Adds one face seen at `t` in the frame shown at `frameTime`, with the probabilities to plot.
    mutating func add(_ face: FaceRecord, t: Double, frameTime: Double?, probs: [Float], chartBucket: Int, presenceBucket: Int) {
        samples += 1
        var bucket = buckets[chartBucket] ?? (sums: [Double](repeating: 0, count: probs.count), count: 0)
        for i in probs.indices { bucket.sums[i] += Double(probs[i]) }
        bucket.count += 1
        buckets[chartBucket] = bucket
        presence.insert(presenceBucket)
        if face.score > bestScore {
            bestScore = face.score
            bestTime = frameTime ?? t
            bestBox = face.box
        }
    }

    /// The mean probabilities of each bucket the track is in, by bucket index.
    var means: [(bucket: Int, probs: [Double])] {
        buckets.keys.sorted().map { key in
            let bucket = buckets[key]!
            return (key, bucket.sums.map { $0 / Double(bucket.count) })
        }
    }

    /// Runs of presence buckets, as half-open ranges; fewer than `maxGap` buckets
    /// in a row without the track (sampling sparser than the buckets) do not break a run.
    func presenceRuns(maxGap: Int) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        for index in presence.sorted() {
            if let last = runs.last, index - last.upperBound < maxGap {
                runs[runs.count - 1] = last.lowerBound..<(index + 1)
            } else {
                runs.append(index..<(index + 1))
            }
        }
        return runs
    }
}
