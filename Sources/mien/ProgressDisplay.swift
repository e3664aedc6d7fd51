import Dispatch
import Foundation
import MienJobs

/// A one-line progress display on stderr, redrawn in place at most 5 times a
/// second: inputs and shards done of total (or a bar of frames done), elapsed
/// time and time left. Only when stderr is a terminal; nil otherwise, so logs
/// and pipes stay clean.
final class ProgressDisplay {
    private var started: UInt64 = 0
    private var lastDraw: UInt64 = 0
    private var width = 0

    /// A display when stderr is a terminal, else nil.
    static func onTerminal() -> ProgressDisplay? {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb" ? ProgressDisplay() : nil
    }

    /// A job's progress: videos and shards done of total, and the time left at the rate so far.
    func job(_ progress: JobProgress) {
        let now = DispatchTime.now().uptimeNanoseconds
        if started == 0 { started = now }
        guard now - lastDraw > 200_000_000 else { return }
        lastDraw = now
        let shards = progress.videos.reduce(0) { $0 + $1.shards }
        let finished = progress.videos.reduce(0) { $0 + $1.done + $1.dead }
        let videosDone = progress.videos.filter { $0.state != .running }.count
        let running = progress.videos.reduce(0) { $0 + $1.leased }
        let elapsed = Double(now - started) / 1e9
        var line = "\(videosDone)/\(progress.videos.count) inputs, \(finished)/\(shards) shards done, \(running) running, "
            + Self.clock(elapsed) + " elapsed"
        if let first = firstFinished, finished > first.count, shards > finished {
            let rate = Double(finished - first.count) / (Double(now - first.time) / 1e9)
            line += ", ETA " + Self.clock(Double(shards - finished) / rate)
        } else if firstFinished == nil {
            firstFinished = (finished, now)
        }
        draw(line)
    }

    /// A bar for `done` of `total` items (frames of `mien render`), with the
    /// rate, elapsed time and time left; `total` is the header's count, so the
    /// bar stops at 99% until `done` reaches it.
    func bar(done: Int, total: Int, unit: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        if started == 0 { started = now }
        guard now - lastDraw > 200_000_000 else { return }
        lastDraw = now
        let fraction = total > 0 ? min(Double(done) / Double(total), done >= total ? 1 : 0.99) : 0
        let filled = Int(fraction * 30)
        let elapsed = Double(now - started) / 1e9
        var line = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] "
            + String(format: "%3d%%", Int(fraction * 100)) + " \(done)/\(total) \(unit), " + Self.clock(elapsed) + " elapsed"
        if elapsed > 0.5 && done > 0 && total > done {
            line += String(format: ", %.1f \(unit)/s, ETA ", Double(done) / elapsed) + Self.clock(Double(total - done) * elapsed / Double(done))
        }
        draw(line)
    }

    /// Shards finished when the display first saw the job, and when (for the rate).
    private var firstFinished: (count: Int, time: UInt64)?

    /// Removes the line (before a message or the summary is printed).
    func clear() { draw("") }

    private func draw(_ text: String) {
        let padded = text.count < width ? text + String(repeating: " ", count: width - text.count) : text
        width = text.count
        FileHandle.standardError.write(Data(("\r" + padded + (text.isEmpty ? "\r" : "")).utf8))
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
