import MienFace

/// Turns a video's shard results into its timeline: shards in time order,
/// shard-local track ids stitched into per-video ids (`TrackStitcher`), the
/// faces of tracks shorter than `min_track_samples` or with a mean score under
/// `track_min_score` left out, and each track's
/// probabilities smoothed over time (`TrackSmoother`).
///
/// Everything in memory at once: the plain reference for
/// `StreamingTimelineAssembler`, which writers use (a test compares them).
public struct TimelineAssembler: Sendable {
    /// The settings the shards were analysed with.
    public let settings: AnalysisSettings

    /// Creates an assembler.
    public init(settings: AnalysisSettings) {
        self.settings = settings
    }

    /// The video's records, in time order, with per-video track ids and, when
    /// smoothing is on, `smoothed` on every face.
    /// - Throws: `AnalysisError.analysisFailed` if smoothing rejects a track (it never should).
    public func assemble(_ shards: [ShardResult]) throws(AnalysisError) -> [FrameRecord] {
        try assembleCounting(shards).records
    }

    /// `assemble`, and how many faces were left out as transient (tracks shorter than
    /// `settings.minTrackSamples` or scoring under `settings.trackMinScore` on
    /// average; their ids are not reused, so ids can have gaps).
    public func assembleCounting(_ shards: [ShardResult]) throws(AnalysisError) -> (records: [FrameRecord], transientFaces: Int) {
        let stitched = TrackStitcher(settings: settings.tracker).stitch(shards.map(\.tracks))
        let order = shards.indices.sorted { shards[$0].task.start < shards[$1].task.start }
        var records: [FrameRecord] = []
        for s in order {
            for var record in shards[s].records {
                for f in record.faces.indices {
                    record.faces[f].track = stitched.globalID(shard: s, local: record.faces[f].track) ?? record.faces[f].track
                }
                record.faces.sort { $0.track < $1.track }
                records.append(record)
            }
        }
        let transient = Self.dropTransient(&records, settings: settings)
        try smooth(&records)
        return (records, transient)
    }

    /// Removes the faces of the tracks `isTransient` judges; returns how many were removed.
    static func dropTransient(_ records: inout [FrameRecord], settings: AnalysisSettings) -> Int {
        var tally: [Int: TrackTally] = [:]
        for record in records { for face in record.faces { tally[face.track, default: TrackTally()].add(face) } }
        let count = records.count
        let transient = Set(tally.filter { $0.value.isTransient(settings: settings, records: count) }.keys)
        guard !transient.isEmpty else { return 0 }
        var dropped = 0
        for r in records.indices {
            let before = records[r].faces.count
            records[r].faces.removeAll { transient.contains($0.track) }
            dropped += before - records[r].faces.count
        }
        return dropped
    }

    /// Adds `smoothed` to every face, track by track.
    func smooth(_ records: inout [FrameRecord]) throws(AnalysisError) {
        guard settings.smoothing != .none else { return }
        var positions: [Int: [(record: Int, face: Int)]] = [:]
        for (r, record) in records.enumerated() {
            for (f, face) in record.faces.enumerated() { positions[face.track, default: []].append((r, f)) }
        }
        let smoother: TrackSmoother
        do { smoother = try TrackSmoother(method: settings.smoothing) } catch {
            throw AnalysisError(.badSettings, error.message)
        }
        for track in positions.keys.sorted() {
            let places = positions[track]!
            let samples = places.map { (t: records[$0.record].t, probs: records[$0.record].faces[$0.face].probs) }
            let smoothed: [SmoothedSample]
            do { smoothed = try smoother.smooth(samples) } catch {
                throw AnalysisError(.analysisFailed, "smoothing track \(track): \(error.message)")
            }
            for (place, sample) in zip(places, smoothed) {
                records[place.record].faces[place.face].smoothed = SmoothedEmotion(emotion: sample.emotion, probs: sample.probs)
            }
        }
    }
}
