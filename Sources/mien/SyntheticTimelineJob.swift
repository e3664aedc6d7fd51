import Foundation
import MienJobs
import MienMedia
import MienPipeline
import MienService

/// A stored job whose shard results are made up instead of analysed, for
/// measuring `collect` on recordings of any length without decoding one:
/// `faces` still faces in a grid (one track each for the whole video, the
/// worst case for smoothing), a sample every `1 / rate` s, shards of
/// `shardSeconds`. Probabilities drift smoothly and differ per face;
/// everything is deterministic.
struct SyntheticTimelineJob {
    var seconds: Double
    var faces: Int
    var rate: Double
    var shardSeconds: Double
    var settings: AnalysisSettings

    /// Submits the job and completes every shard with its made-up result, one
    /// shard at a time (nothing but the store grows with the length).
    /// - Returns: the job's id.
    func store(in store: any JobStore) async throws -> JobID {
        let shardCount = Int((seconds / shardSeconds).rounded(.up))
        let tasks = (0..<shardCount).map { k in
            ShardTask(index: k, start: Double(k) * shardSeconds, end: min(seconds, Double(k + 1) * shardSeconds),
                      firstFrame: nil)
        }
        let payload = VideoPayload(input: InputSummary(path: "synthetic.mp4"), probe: nil, failure: nil)
        let job = JobSettings(analysis: settings, shardSeconds: shardSeconds, warmUp: 0)
        let submission = JobSubmission(
            key: "synthetic-\(UUID().uuidString)", settings: try PayloadCoding.encode(job),
            videos: [VideoSubmission(input: "synthetic.mp4", name: "synthetic", info: try PayloadCoding.encode(payload),
                                     shards: try tasks.map { try PayloadCoding.encode($0) })])
        let (id, _) = try await store.submit(submission)
        while let lease = try await store.claim(worker: "synthetic", lease: 600) {
            let task = try PayloadCoding.decode(ShardTask.self, from: lease.payload, what: "shard description")
            guard try await store.complete(lease, result: try PayloadCoding.encode(result(for: task))) else {
                throw Fatal("synthetic job: the store refused shard \(lease.index)")
            }
        }
        return id
    }

    /// The made-up result of one shard.
    func result(for task: ShardTask) -> ShardResult {
        var records: [FrameRecord] = []
        var tracks = ShardTracks(start: task.start)
        let columns = max(1, Int(Double(faces).squareRoot().rounded(.up)))
        var k = Int((task.start * rate).rounded(.up))
        while Double(k) / rate < (task.end ?? seconds) - 1e-9 {
            let t = Double(k) / rate
            var boxes: [FaceBox] = []
            var faceRecords: [FaceRecord] = []
            for f in 0..<faces {
                let box = FaceBox(x: Double(f % columns) * 100 + 10, y: Double(f / columns) * 100 + 10, width: 60, height: 70)
                boxes.append(box)
                faceRecords.append(FaceRecord(
                    track: f, box: [box.x, box.y, box.width, box.height], score: 0.9,
                    landmarks: (0..<5).map { [box.x + Double($0) * 10, box.y + 30] }, probs: Self.probabilities(face: f, t: t)))
            }
            tracks.append(time: t, tracks: Array(0..<faces), boxes: boxes)
            records.append(FrameRecord(t: t, frame: k * 5, frameTime: t, status: .ok, faces: faceRecords))
            k += 1
        }
        return ShardResult(task: task, records: records, tracks: tracks, decode: DecodeStats(), readError: nil,
                           times: StageTimes(), seconds: 0)
    }

    /// Seven probabilities that drift with time, different for each face.
    static func probabilities(face: Int, t: Double) -> [Float] {
        let raw = (0..<7).map { e in 1.2 + sin(t * 0.37 + Double(face) * 0.9 + Double(e) * 1.7) }
        let sum = raw.reduce(0, +)
        return raw.map { Float($0 / sum) }
    }
}
