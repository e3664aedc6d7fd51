import CFFmpeg
import Foundation

/// Captures FFmpeg's log so that its explanations end up in error messages
/// instead of on the terminal.
///
/// By default nothing FFmpeg logs is printed. Warnings and errors are kept per
/// thread (the last few), and `MediaError` quotes them. Set the environment
/// variable `MIEN_FFMPEG_LOG` to `error`, `warning`, `info` or `debug` to also
/// print FFmpeg's messages at that level and above on standard error.
public enum FFmpegLog {
    private static let store = MessageStore()

    /// Installs the log callback; called once by every entry point of the module.
    static let install: Void = {
        let echo = ProcessInfo.processInfo.environment["MIEN_FFMPEG_LOG"].flatMap(level(named:)) ?? -1
        store.echoLevel = echo
        av_log_set_level(max(AV_LOG_WARNING, echo))
        mien_install_log_callback()
    }()

    /// The last warning and error lines FFmpeg logged on this thread, oldest first.
    static func recentErrors() -> [String] { store.recent() }

    /// Forgets this thread's captured lines, so that the next error quotes only what follows.
    static func clear() { store.clear() }

    static func record(level: Int32, line: String) {
        if level <= store.echoLevel {
            FileHandle.standardError.write(Data(("ffmpeg: " + line + "\n").utf8))
        }
        if level <= AV_LOG_WARNING { store.append(line) }
    }

    private static func level(named name: String) -> Int32? {
        switch name.lowercased() {
        case "error": return AV_LOG_ERROR
        case "warning": return AV_LOG_WARNING
        case "info": return AV_LOG_INFO
        case "debug", "verbose": return AV_LOG_DEBUG
        default: return nil
        }
    }
}

/// Receives each formatted FFmpeg log line from the C callback in the shim.
@_cdecl("mien_log_line")
func mienLogLine(_ level: Int32, _ line: UnsafePointer<CChar>) {
    let text = String(cString: line).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !text.isEmpty else { return }
    FFmpegLog.record(level: level, line: text)
}

/// Per-thread ring buffers of recent lines, behind a lock.
private final class MessageStore: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [UInt: [String]] = [:]
    private let keep = 6
    var echoLevel: Int32 = -1

    private var thread: UInt { UInt(pthread_self()) }

    func append(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        var list = lines[thread, default: []]
        if list.last == line { return }
        list.append(line)
        if list.count > keep { list.removeFirst(list.count - keep) }
        lines[thread] = list
    }

    func recent() -> [String] {
        lock.lock(); defer { lock.unlock() }
        return lines[thread] ?? []
    }

    func clear() {
        lock.lock(); defer { lock.unlock() }
        lines[thread] = nil
    }
}
