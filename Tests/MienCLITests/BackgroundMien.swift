import Foundation

/// A `mien` process started in the background (a worker), with its stderr in
/// a file, so a test can signal it (kill, stop, continue) while it works.
final class BackgroundMien {
    let process = Process()
    let log: String

    /// Starts `mien arguments`, with `environment` added to this process's.
    init(_ arguments: [String], log: String, environment: [String: String] = [:]) throws {
        self.log = log
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: MienBinary.path)
        process.arguments = arguments
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The process id.
    var pid: pid_t { process.processIdentifier }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit (at most `seconds`), returning its status, or nil if it is still running.
    @discardableResult
    func wait(seconds: Double = 120) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Waits until its stderr holds `text` (at most `seconds`), looking every
    /// 5 ms: a test that must catch a worker mid-shard signals it at once.
    func waitForLog(_ text: String, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            usleep(5_000)
        }
        return false
    }

    /// What it wrote to stderr so far.
    var stderr: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
