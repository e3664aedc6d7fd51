/// Greedy one-to-one assignment of detections to tracks by match score.
///
/// All pairs scoring at least the threshold are taken best first; a pair is
/// kept when neither its track nor its detection is already taken. Ties go to
/// the lower track index, then the lower detection index, so the result never
/// depends on sort stability or hashing: the same input gives the same ids.
///
/// Why greedy and not the Hungarian algorithm: faces rarely overlap, so each
/// detection overlaps at most one track well and the score matrix is nearly a
/// permutation; there greedy and optimal assignments agree. Where they differ
/// (two faces crossing), greedy keeps the single most confident pairing,
/// which is what a viewer would call the same face, and it costs
/// O(pairs log pairs) with nothing to tune.
public enum IoUMatcher {
    /// A kept pair: index into the tracks, index into the detections, score.
    public struct Match: Sendable, Equatable {
        /// Row: the track's index in the list given.
        public var track: Int
        /// Column: the detection's index in the list given.
        public var detection: Int
        /// The pair's score.
        public var score: Double

        /// Creates a match.
        public init(track: Int, detection: Int, score: Double) {
            self.track = track
            self.detection = detection
            self.score = score
        }
    }

    /// Assigns detections to tracks.
    ///
    /// - Parameters:
    ///   - scores: `scores[track][detection]`, all rows of equal length
    ///     (`[tracks, detections]`); NaN counts as no match.
    ///   - threshold: least score for a pair to be kept.
    /// - Returns: the kept pairs, best first.
    public static func assign(scores: [[Double]], threshold: Double) -> [Match] {
        var candidates: [Match] = []
        for (t, row) in scores.enumerated() {
            for (d, score) in row.enumerated() where score >= threshold {
                candidates.append(Match(track: t, detection: d, score: score))
            }
        }
        candidates.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.track != b.track { return a.track < b.track }
            return a.detection < b.detection
        }
        var trackTaken = Set<Int>()
        var detectionTaken = Set<Int>()
        var kept: [Match] = []
        for m in candidates where !trackTaken.contains(m.track) && !detectionTaken.contains(m.detection) {
            trackTaken.insert(m.track)
            detectionTaken.insert(m.detection)
            kept.append(m)
        }
        return kept
    }
}
