import Foundation
import MienMedia

/// `TimelineAssembler`'s result, one record at a time, in memory bounded by
/// a shard and a track instead of the whole video: what `mien collect` and
/// `mien analyze` use, so a three-hour recording with 40 faces collects in
/// the memory of one shard.
///
/// Two passes over the shard results, which `load` gives one at a time (in
/// time order: shard `i` starts no earlier than shard `i - 1`):
/// 1. each shard is stitched onto the earlier ones (`TrackStitcher.Session`),
///    its faces counted per global track and, when smoothing is on, their
///    `(t, probabilities)` appended to a `SmoothingSpill` file, grouped per
///    track within the shard;
/// 2. transient tracks (shorter than `min_track_samples`, or scoring under
///    `track_min_score` on average) are known; each other track is
///    read back from the spill, smoothed whole (`TrackSmoother`, exactly as
///    `TimelineAssembler` does) and its results written over its slots;
///    then every shard is loaded again and its records emitted with per-video
///    track ids, transient faces left out and smoothed values attached.
///
/// The records emitted equal `TimelineAssembler.assembleCounting`'s (a test
/// compares them); `TimelineAssembler` stays as that plain reference.
public struct StreamingTimelineAssembler: Sendable {
    /// The settings the shards were analysed with.
    public let settings: AnalysisSettings
    /// Where the smoothing spill file goes (removed afterwards).
    public let spillFolder: String

    /// Creates an assembler.
    public init(settings: AnalysisSettings, spillFolder: String) {
        self.settings = settings
        self.spillFolder = spillFolder
    }

    /// What the shards said besides their records.
    public struct Summary: Sendable {
        /// Counts over the emitted records (`transientFaces` included).
        public var counts = TimelineCounts()
        /// Stage times, summed over shards.
        public var times = StageTimes()
        /// Decoder statistics, summed over shards.
        public var decode = DecodeStats()
        /// The shards' read errors, in shard order.
        public var readErrors: [String] = []
        /// Seconds the shards took, summed.
        public var seconds = 0.0
        /// The first shard's models.
        public var models: ModelSummary?
        /// Shards read.
        public var shards = 0
    }

    /// Emits the video's records in time order.
    /// - Parameters:
    ///   - shardCount: how many shards `load` gives (0 ..< shardCount).
    ///   - load: shard `i`'s result; called twice per shard. Its errors are rethrown as they are.
    ///   - emit: takes each finished record; its errors are rethrown as they are.
    /// - Throws: what `load` or `emit` threw; `AnalysisError` when shards are out
    ///   of order, smoothing rejects a track, or the spill file fails.
    public func assemble(shardCount: Int, load: (Int) throws -> ShardResult,
                         emit: (FrameRecord) throws -> Void) throws -> Summary {
        var summary = Summary()
        let smoother: TrackSmoother?
        if settings.smoothing == .none { smoother = nil } else {
            do { smoother = try TrackSmoother(method: settings.smoothing) } catch {
                throw AnalysisError(.badSettings, error.message)
            }
        }
        let spill = try smoother.map { _ throws(AnalysisError) in try SmoothingSpill(folder: spillFolder) }

        // Pass 1: stitch, count, spill.
        var session = TrackStitcher.Session(settings: settings.tracker)
        var mappings: [[Int: Int]] = []
        var shardPieces: [[Int: (slot: Int, count: Int)]] = []  // per shard: global track -> its piece of the spill
        var pieces: [Int: [(slot: Int, count: Int)]] = [:]  // per global track, in time order
        var tallies: [Int: TrackTally] = [:]
        var records = 0
        var lastStart = -Double.infinity
        for i in 0..<shardCount {
            let shard = try load(i)
            guard shard.task.start >= lastStart else {
                throw AnalysisError(.analysisFailed, "shard \(i) starts at \(shard.task.start) s, before the shard ahead of it")
            }
            lastStart = shard.task.start
            summary.shards += 1
            summary.times = summary.times + shard.times
            summary.decode = summary.decode + shard.decode
            if let error = shard.readError { summary.readErrors.append(error) }
            summary.seconds += shard.seconds
            if summary.models == nil { summary.models = shard.models }  // a dead shard's stand-in has none
            records += shard.records.count
            let mapping = session.add(shard.tracks)
            mappings.append(mapping)
            var byTrack: [Int: [(t: Double, probs: [Float])]] = [:]
            for record in shard.records {
                for face in record.faces {
                    let g = mapping[face.track] ?? face.track
                    tallies[g, default: TrackTally()].add(face)
                    if spill != nil { byTrack[g, default: []].append((record.t, face.probs)) }
                }
            }
            var slots: [Int: (slot: Int, count: Int)] = [:]
            if let spill {
                for g in byTrack.keys.sorted() {
                    let list = byTrack[g]!
                    let piece = (slot: try spill.append(list), count: list.count)
                    slots[g] = piece
                    pieces[g, default: []].append(piece)
                }
            }
            shardPieces.append(slots)
        }

        // Tracks left out: too short (not in an image) or scoring too low.
        var transient = Set<Int>()
        for (g, tally) in tallies where tally.isTransient(settings: settings, records: records) {
            transient.insert(g)
            summary.counts.transientFaces += tally.samples
        }

        // Smoothing, one whole track at a time.
        if let spill, let smoother {
            for g in pieces.keys.sorted() where !transient.contains(g) {
                var track: [(t: Double, probs: [Float])] = []
                for piece in pieces[g]! { track += try spill.samples(piece.slot, piece.count) }
                let smoothed: [SmoothedSample]
                do { smoothed = try smoother.smooth(track) } catch {
                    throw AnalysisError(.analysisFailed, "smoothing track \(g): \(error.message)")
                }
                var offset = 0
                for piece in pieces[g]! {
                    try spill.store(Array(smoothed[offset ..< offset + piece.count]), at: piece.slot)
                    offset += piece.count
                }
            }
        }

        // Pass 2: the records, with per-video ids and smoothed values.
        var tracks = Set<Int>()
        for i in 0..<shardCount {
            let shard = try load(i)
            let mapping = mappings[i]
            var smoothed: [Int: [SmoothedEmotion]] = [:]  // this shard's, per global track
            var used: [Int: Int] = [:]
            if let spill {
                for (g, piece) in shardPieces[i] where !transient.contains(g) {
                    smoothed[g] = try spill.smoothed(piece.slot, piece.count)
                }
            }
            for var record in shard.records {
                for f in record.faces.indices { record.faces[f].track = mapping[record.faces[f].track] ?? record.faces[f].track }
                record.faces.sort { $0.track < $1.track }
                if !transient.isEmpty { record.faces.removeAll { transient.contains($0.track) } }
                if spill != nil {
                    for f in record.faces.indices {
                        let g = record.faces[f].track
                        let k = used[g, default: 0]
                        record.faces[f].smoothed = smoothed[g]?[k]
                        used[g] = k + 1
                    }
                }
                summary.counts.add(record, tracks: &tracks)
                try emit(record)
            }
        }
        summary.counts.tracks = tracks.count
        return summary
    }
}
