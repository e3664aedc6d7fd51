/// Joins shard-local tracks into per-video tracks at collect time.
///
/// Shards are taken in order of `start`. Each earlier-shard track becomes (or
/// continues) a global track, a `FaceTrack` whose motion filter has seen all
/// of its detections. A local track of the next shard continues a global track
/// from an earlier shard under exactly the rule `FaceTracker` applies inside a
/// shard:
/// - the global track's last detection is at most `maxGap` seconds before the
///   local track's first one (so a shard shorter than `maxGap` can be jumped);
/// - the local track's first box scores at least `iouThreshold` against the
///   global track (`FaceTrack.matchScore`: IoU with the constant-velocity
///   prediction at that time, or with the last box);
/// - pairs are made one to one, greedily, best score first (`IoUMatcher`),
///   one frame at a time: local tracks starting in the same frame compete
///   together, and earlier frames claim global tracks first, as they would in
///   a tracker running through the edge.
///
/// A local track that continues nothing opens a new global track. Global ids
/// start at 0 and are numbered in order of first appearance (time, then local
/// id, then shard order), which for an unsharded video is the order
/// `FaceTracker` numbers its tracks. The result depends only on the input.
///
/// Why this gives the same partition as tracking the whole video: inside a
/// shard the tracker already decided everything; only a track that would
/// have crossed the edge is split, and its second part starts a local track
/// whose first detection is exactly the one the whole-video tracker would
/// have matched against the same state with the same score. What can differ:
/// right after an edge the local track's filter starts at rest, so a face that
/// moves by more than the threshold allows in one step without the velocity
/// the whole-video filter had may be split in one run and not the other.
public struct TrackStitcher: Sendable {
    /// Settings; must equal those the shards were tracked with.
    public let settings: TrackerSettings

    /// Creates a stitcher.
    public init(settings: TrackerSettings = TrackerSettings()) {
        self.settings = settings
    }

    /// Stitches the shards' tracks.
    ///
    /// - Parameter shards: one record per shard; the index in this array is
    ///   the shard number used in the result. Order does not matter (they are
    ///   taken by `start`, then index), but time ranges must not overlap.
    /// - Returns: the mapping `(shard, local id) -> global id`.
    public func stitch(_ shards: [ShardTracks]) -> StitchedTracks {
        var globals: [FaceTrack] = []
        var mapping = [[Int: Int]](repeating: [:], count: shards.count)
        let order = shards.indices.sorted { a, b in
            shards[a].start != shards[b].start ? shards[a].start < shards[b].start : a < b
        }
        for s in order {
            let locals = shards[s].localTracks()
            guard !locals.isEmpty else { continue }
            // Only global tracks from earlier shards, still open at this shard's
            // first detection, can be continued here.
            let earliest = locals[0].firstTime
            var candidates = globals.indices.filter { globals[$0].isOpen(at: earliest, maxGap: settings.maxGap) }
            var assigned = [Int](repeating: -1, count: locals.count)

            var first = 0
            while first < locals.count {
                // One frame's worth of new local tracks: [first, end)
                var end = first + 1
                while end < locals.count && locals[end].firstTime == locals[first].firstTime { end += 1 }
                let time = locals[first].firstTime
                let open = candidates.filter { globals[$0].isOpen(at: time, maxGap: settings.maxGap) }
                // [open global tracks, new local tracks] score matrix
                let scores = open.map { g in (first..<end).map { globals[g].matchScore(locals[$0].firstBox, at: time) } }
                for m in IoUMatcher.assign(scores: scores, threshold: settings.iouThreshold) {
                    assigned[first + m.detection] = open[m.track]
                }
                let claimed = Set(assigned[first..<end])
                candidates.removeAll { claimed.contains($0) }
                for i in first..<end where assigned[i] < 0 {
                    let o = locals[i].observations[0]
                    assigned[i] = globals.count
                    globals.append(FaceTrack(id: globals.count, box: o.box, time: o.time, settings: settings))
                    locals[i].observations.dropFirst().forEach { globals[assigned[i]].append($0.box, at: $0.time) }
                }
                first = end
            }
            // Continued tracks take in their detections after all matching, so
            // this shard's matching saw every global track as the edge left it.
            for (i, local) in locals.enumerated() {
                mapping[s][local.id] = assigned[i]
                if globals[assigned[i]].firstTime < local.firstTime {
                    local.observations.forEach { globals[assigned[i]].append($0.box, at: $0.time) }
                }
            }
        }
        return StitchedTracks(globalIDs: mapping, trackCount: globals.count)
    }
}

/// The result of `TrackStitcher.stitch`: per-video track ids for every
/// shard's local tracks.
public struct StitchedTracks: Sendable, Equatable, Codable {
    /// `globalIDs[shard][localID]`: the per-video id.
    public var globalIDs: [[Int: Int]]
    /// Number of per-video tracks (ids are `0..<trackCount`).
    public var trackCount: Int

    /// Creates a result.
    public init(globalIDs: [[Int: Int]], trackCount: Int) {
        self.globalIDs = globalIDs
        self.trackCount = trackCount
    }

    /// The per-video id of local track `local` of shard `shard`, or nil when
    /// that shard has no such track.
    public func globalID(shard: Int, local: Int) -> Int? {
        guard globalIDs.indices.contains(shard) else { return nil }
        return globalIDs[shard][local]
    }
}
