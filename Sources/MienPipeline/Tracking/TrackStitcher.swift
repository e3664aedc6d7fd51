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
/// When the next shard was tracked with a warm-up (see `ShardTracks`), a
/// local track that holds, in its warm-up, a detection an earlier shard
/// recorded continues that detection's global track first: both trackers saw
/// the same face there, which no box-overlap rule can beat.
///
/// The box rule does not follow camera pans (`FaceTracker`'s `CameraShift`
/// step): it sees only the tracks starting at the edge, not every face of the
/// frame. A shard's warm-up carries a pan across its edge instead (the
/// tracker follows it there, and the shared detections join the tracks);
/// without a warm-up a fast pan can split tracks at an edge.
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
/// right after an edge the shard's tracker starts with every filter at rest,
/// while the whole-video tracker knows how each face was moving. Where boxes
/// overlap heavily (two faces crossing) that knowledge decides which box is
/// which, so a crossing in progress at an edge may be split differently.
/// A warm-up that covers the interaction (1 to 2 s) removes the difference in
/// the tests; faces that keep apart need none.
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
        var session = Session(settings: settings)
        var mapping = [[Int: Int]](repeating: [:], count: shards.count)
        let order = shards.indices.sorted { a, b in
            shards[a].start != shards[b].start ? shards[a].start < shards[b].start : a < b
        }
        for s in order { mapping[s] = session.add(shards[s]) }
        return StitchedTracks(globalIDs: mapping, trackCount: session.trackCount)
    }

    /// Stitching one shard at a time, in time order, holding only what later
    /// shards can still need: one `FaceTrack` (constant size) per global
    /// track, and the earlier detections a later warm-up may look up (those
    /// older than any warm-up can reach are dropped). So a video of any length
    /// is stitched in memory that grows with its number of tracks, not its
    /// number of detections. `stitch` is a loop over `add`.
    public struct Session: Sendable {
        /// Settings; must equal those the shards were tracked with.
        public let settings: TrackerSettings
        private var globals: [FaceTrack] = []
        private var owner: [Double: [(box: FaceBox, track: Int)]] = [:]  // earlier shards' detections by time
        /// The longest warm-up seen (seconds before a shard's start), to know which detections to keep.
        private var warmUpSpan = 0.0
        private var lastStart = -Double.infinity

        /// Starts with no track.
        public init(settings: TrackerSettings) {
            self.settings = settings
        }

        /// Global tracks opened so far.
        public var trackCount: Int { globals.count }

        /// Stitches the next shard (its `start` not before the previous one's)
        /// onto the earlier ones.
        /// - Returns: the shard's mapping `local id -> global id`.
        public mutating func add(_ shard: ShardTracks) -> [Int: Int] {
            precondition(shard.start >= lastStart, "shards are stitched in time order")
            lastStart = shard.start
            if let earliest = shard.warmUp.map(\.time).min() { warmUpSpan = max(warmUpSpan, shard.start - earliest) }
            // No later warm-up reaches further back than this one plus the longest span seen.
            let horizon = shard.start - 2 * warmUpSpan - 1e-6
            if owner.count > 0 { owner = owner.filter { $0.key >= horizon } }

            var mapping: [Int: Int] = [:]
            let locals = shard.localTracks()
            var assigned = [Int](repeating: -1, count: locals.count)
            var claimed = Set<Int>()
            let earlier = globals.count  // global tracks from earlier shards: 0..<earlier

            // 1. Warm-up: a local track that already held a detection of an
            //    earlier shard continues that detection's global track. The
            //    latest such detection decides (it is nearest the edge).
            let warm = locals.indices.filter { locals[$0].lastWarmUp != nil }.sorted { a, b in
                let ta = locals[a].lastWarmUp!.time, tb = locals[b].lastWarmUp!.time
                return ta != tb ? ta > tb : locals[a].id < locals[b].id
            }
            for i in warm {
                let o = locals[i].lastWarmUp!
                if let g = TrackStitcher.owner(of: o, in: owner), !claimed.contains(g) {
                    assigned[i] = g
                    claimed.insert(g)
                }
            }

            // 2. Overlap: the rest, one frame of new local tracks at a time,
            //    against the global tracks still open then.
            var first = 0
            while first < locals.count {
                var end = first + 1  // one frame's worth of new local tracks: [first, end)
                while end < locals.count && locals[end].firstTime == locals[first].firstTime { end += 1 }
                let time = locals[first].firstTime
                let fresh = (first..<end).filter { assigned[$0] < 0 }
                let open = (0..<earlier).filter {
                    !claimed.contains($0) && globals[$0].isOpen(at: time, maxGap: settings.maxGap)
                }
                // [open global tracks, new local tracks] score matrix
                let scores = open.map { g in fresh.map { globals[g].matchScore(locals[$0].firstBox, at: time) } }
                for m in IoUMatcher.assign(scores: scores, threshold: settings.iouThreshold) {
                    assigned[fresh[m.detection]] = open[m.track]
                    claimed.insert(open[m.track])
                }
                for i in fresh where assigned[i] < 0 {
                    assigned[i] = globals.count
                    claimed.insert(globals.count)
                    globals.append(FaceTrack(id: globals.count, box: locals[i].firstBox, time: time, settings: settings))
                }
                first = end
            }

            // 3. Tracks take in their detections after all matching, so this
            //    shard's matching saw every global track as the edge left it.
            for (i, local) in locals.enumerated() {
                let g = assigned[i]
                mapping[local.id] = g
                let continued = globals[g].firstTime < local.firstTime
                for (k, o) in local.observations.enumerated() where continued || k > 0 {
                    globals[g].append(o.box, at: o.time)
                }
                for o in local.observations { owner[o.time, default: []].append((o.box, g)) }
            }
            return mapping
        }
    }

    /// The global track of the earlier shards' detection that is `o`: same
    /// sampled time, box overlapping at least `sameDetectionIoU`. Not exact
    /// equality: two workers on different CPUs may detect a box a few ulps
    /// apart. Nil when no detection was recorded at that time.
    static func owner(of o: ShardTracks.Observation, in owner: [Double: [(box: FaceBox, track: Int)]]) -> Int? {
        var best: (iou: Double, track: Int)?
        for candidate in owner[o.time] ?? [] {
            let iou = candidate.box.iou(o.box)
            if iou >= sameDetectionIoU && iou > (best?.iou ?? -1) { best = (iou, candidate.track) }
        }
        return best?.track
    }

    /// Least IoU for a warm-up box to be the same detection as an earlier shard's.
    static let sameDetectionIoU = 0.9
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
