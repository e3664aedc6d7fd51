import Foundation
import MienPipeline
import Testing

/// The streaming assembler (shard by shard, smoothing through a spill file)
/// gives exactly the records of the in-memory `TimelineAssembler`, its plain
/// reference, for every smoothing method, with transient tracks dropped, on
/// shards tracked with a warm-up and stitched.
@Suite("streaming timeline assembly")
struct StreamingTimelineAssemblerTests {
    /// Six faces coming and going over 20 s at irregular times, cut into 3 s
    /// shards tracked after a 1 s warm-up, each face with made-up probabilities.
    static func shards() -> [ShardResult] {
        let faces = [
            SyntheticFace(box: FaceBox(x: 10, y: 10, width: 40, height: 50), velocity: (3, 0)),
            SyntheticFace(box: FaceBox(x: 200, y: 20, width: 45, height: 50), visible: 2..<14),
            SyntheticFace(box: FaceBox(x: 90, y: 150, width: 40, height: 40), velocity: (0, -2), hidden: [5..<8]),
            SyntheticFace(box: FaceBox(x: 300, y: 200, width: 30, height: 35), visible: 6.2..<6.5),  // a flash scoring 0.4: transient
            SyntheticFace(box: FaceBox(x: 400, y: 40, width: 50, height: 60), visible: 11..<20),
            SyntheticFace(box: FaceBox(x: 20, y: 300, width: 40, height: 40), visible: 0..<19, hidden: [9..<9.5, 15..<17]),
        ]
        let video = SyntheticVideo(faces: faces, times: irregularTimes(steps: 0.15...0.3, count: 90, seed: 7), noise: 1, seed: 3)
        var rng = SeededRandom(seed: 11)
        let frames = zip(video.times, video.boxes).map { (time: $0, boxes: $1) }
        let length = 3.0, warmUp = 1.0
        let count = Int((video.times.last! / length).rounded(.down)) + 1
        return (0..<count).map { k in
            let start = Double(k) * length
            let inShard = frames.filter { Int(($0.time / length).rounded(.down)) == k }
            let before = frames.filter { $0.time < start && $0.time >= start - warmUp }
            let (ids, tracks) = FaceTracker.trackShard(start: start, warmUp: before, frames: inShard, settings: TrackerSettings())
            let records = zip(inShard, ids).map { frame, local in
                FrameRecord(t: frame.time, frame: nil, frameTime: frame.time, status: .ok, faces: zip(frame.boxes, local).map { box, id in
                    let raw = (0..<7).map { _ in Float.random(in: 0.01...1, using: &rng) }
                    let sum = raw.reduce(0, +)
                    // The flash (the only face under 33 px wide) scores 0.4; the others 0.35 to 1, 0.675 on average.
                    let score = box.width < 33 ? 0.4 : Double.random(in: 0.35...1, using: &rng)
                    return FaceRecord(track: id, box: [box.x, box.y, box.width, box.height], score: score,
                                      landmarks: Array(repeating: [box.x, box.y], count: 5), probs: raw.map { $0 / sum })
                })
            }
            return ShardResult(task: ShardTask(index: k, start: start, end: start + length, warmUpStart: k == 0 ? nil : start - warmUp,
                                               firstFrame: nil),
                               records: records, tracks: tracks, decode: .init(), readError: nil, times: .init())
        }
    }

    @Test(arguments: [SmoothingMethod.none, .ema(timeConstant: 0.5), .window(seconds: 1), .hmm(stickiness: 0.9)], [1, 3])
    func streamingEqualsTheInMemoryReference(smoothing: SmoothingMethod, minTrackSamples: Int) throws {
        let shards = Self.shards()
        let settings = AnalysisSettings(fps: 5, smoothing: smoothing, minTrackSamples: minTrackSamples)
        let reference = try TimelineAssembler(settings: settings).assembleCounting(shards)
        #expect(Set(reference.records.flatMap { $0.faces.map(\.track) }).count >= 6, "several tracks, some across shards")
        #expect(reference.transientFaces > 0, "the flash is dropped")
        #expect(reference.records.contains { $0.faces.contains { $0.score < 0.5 } }, "weak faces of real tracks stay")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var streamed: [FrameRecord] = []
        var loads = 0
        let summary = try StreamingTimelineAssembler(settings: settings, spillFolder: folder).assemble(
            shardCount: shards.count, load: { loads += 1; return shards[$0] }, emit: { streamed.append($0) })
        #expect(streamed == reference.records)
        #expect(summary.counts.transientFaces == reference.transientFaces)
        #expect(summary.counts == {
            var counts = TimelineCounts(reference.records)
            counts.transientFaces = reference.transientFaces
            return counts
        }())
        #expect(loads == 2 * shards.count, "each shard read twice, never all at once")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "the spill file is gone")
    }

    @Test func shardsOutOfOrderAreRefused() throws {
        let shards = Self.shards()
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: AnalysisError.self) {
            _ = try StreamingTimelineAssembler(settings: AnalysisSettings(), spillFolder: folder).assemble(
                shardCount: 2, load: { shards[1 - $0] }, emit: { _ in })
        }
    }

    @Test func aFailingLoadIsRethrownAsItIs() throws {
        struct StoreDown: Error {}
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: StoreDown.self) {
            _ = try StreamingTimelineAssembler(settings: AnalysisSettings(smoothing: .ema(timeConstant: 1)), spillFolder: folder).assemble(
                shardCount: 3, load: { _ in throw StoreDown() }, emit: { _ in })
        }
    }
}
