import Foundation
import MienPipeline

/// The totals `mien analyze` prints at the end: inputs by status with the
/// failures' errors, records, faces, per-stage times, frames per second and
/// speed relative to real time.
struct AnalyzeSummary: Encodable {
    let threads: Int
    /// Worker processes (0 when not run by workers).
    var workers = 0
    /// Shards an earlier, interrupted run had finished (their records count, their time does not).
    var resumedShards = 0
    var inputs = 0, complete = 0, partial = 0, failed = 0
    var records = 0, faces = 0, tracks = 0
    /// Seconds of video analysed (probe durations of inputs with a timeline).
    var videoSeconds = 0.0
    var wallSeconds = 0.0
    var times = StageTimes()
    /// `path: error` for every input that is not complete.
    var problems: [String] = []

    init(threads: Int) { self.threads = threads }

    var problemCount: Int { partial + failed }

    /// Records per wall-clock second.
    var recordsPerSecond: Double { wallSeconds > 0 ? Double(records) / wallSeconds : 0 }
    /// Seconds of video per wall-clock second.
    var realTimeFactor: Double { wallSeconds > 0 ? videoSeconds / wallSeconds : 0 }

    mutating func add(_ meta: TimelineMeta) {
        inputs += 1
        switch meta.status {
        case .complete: complete += 1
        case .partial: partial += 1
        case .failed: failed += 1
        }
        if let error = meta.error, meta.status != .complete { problems.append("\(meta.status.rawValue): \(error.message)") }
        records += meta.counts.records
        faces += meta.counts.faces
        tracks += meta.counts.tracks
        if meta.status != .failed, let probe = meta.probe, !probe.isImage { videoSeconds += probe.duration }
        wallSeconds += meta.wallSeconds  // replaced by the run's own wall time when known
        times = times + meta.times
    }

    func table(outputDirectory: String) -> String {
        var lines = ["analysed \(inputs) input\(inputs == 1 ? "" : "s") into \(outputDirectory): "
            + "\(complete) complete, \(partial) partial, \(failed) failed"]
        lines += problems.map { "  " + $0 }
        lines.append("  \(records) records, \(faces) faces, \(tracks) tracks")
        lines.append(String(format: "  %.2f s wall, %.1f records/s, %.1fx real time (%.1f s of video), %d workers, %d threads",
                            wallSeconds, recordsPerSecond, realTimeFactor, videoSeconds, workers, threads))
        if resumedShards > 0 {
            lines.append("  resumed: \(resumedShards) shards were done by an earlier run, so the rates above overstate this run")
        }
        let stages = times.named.filter { $0.seconds > 0 }.map { String(format: "%@ %.2f", $0.name, $0.seconds) }
        lines.append("  stage seconds: " + stages.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    enum CodingKeys: String, CodingKey {
        case threads, workers, inputs, complete, partial, failed, records, faces, tracks, problems, times
        case videoSeconds = "video_seconds", wallSeconds = "wall_seconds"
        case recordsPerSecond = "records_per_second", realTimeFactor = "real_time_factor"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threads, forKey: .threads)
        try c.encode(workers, forKey: .workers)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(complete, forKey: .complete)
        try c.encode(partial, forKey: .partial)
        try c.encode(failed, forKey: .failed)
        try c.encode(records, forKey: .records)
        try c.encode(faces, forKey: .faces)
        try c.encode(tracks, forKey: .tracks)
        try c.encode(problems, forKey: .problems)
        try c.encode(times, forKey: .times)
        try c.encode(videoSeconds, forKey: .videoSeconds)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        try c.encode(recordsPerSecond, forKey: .recordsPerSecond)
        try c.encode(realTimeFactor, forKey: .realTimeFactor)
    }

    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
