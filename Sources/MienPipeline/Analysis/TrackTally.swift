/// What the assemblers know of a whole track before they write its faces: how
/// many it has and their summed detection score, which decide whether it is
/// left out as transient (a likely false face).
struct TrackTally: Sendable, Equatable {
    /// Faces in the track.
    private(set) var samples = 0
    /// Their scores, summed in time order.
    private(set) var scoreSum = 0.0

    /// Counts one more face of the track.
    mutating func add(_ face: FaceRecord) {
        samples += 1
        scoreSum += face.score
    }

    /// Whether the track's faces are left out of the timeline: fewer than
    /// `min_track_samples` of them (never in a timeline of one record, an
    /// image), or a mean score under `track_min_score`.
    func isTransient(settings: AnalysisSettings, records: Int) -> Bool {
        if records > 1 && samples < settings.minTrackSamples { return true }
        return samples > 0 && !settings.keepsTrack(meanScore: scoreSum / Double(samples))
    }
}
