import Foundation

/// The process's peak resident memory, as Linux keeps it (`VmHWM` in
/// /proc/self/status), and a way to start the peak afresh so that one step of
/// a benchmark is measured alone.
enum PeakMemory {
    /// Peak resident set size since start or the last `reset()`, MiB (0 where /proc is missing).
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ")[1]) else { return 0 }
        return kilobytes / 1024
    }

    /// Resets the peak to the current resident size (writes 5 to /proc/self/clear_refs).
    static func reset() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
