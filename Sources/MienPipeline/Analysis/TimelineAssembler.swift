import MienFace

/// Turns a video's shard results into its timeline: shards in time order,
/// shard-local track ids stitched into per-video ids (`TrackStitcher`), and
/// each track's probabilities smoothed over time (`TrackSmoother`).
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
        try smooth(&records)
        return records
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
