import Foundation

/// A `mien` process that async tests wait for without blocking a thread of
/// the concurrency pool (it has one per core, and the test runner runs
/// suites in parallel on it: a test that blocks in `waitUntilExit` or
/// `usleep` stalls every async test beside it). Its stdout and stderr go to
/// files under `folder`.
final class AsyncMien: @unchecked Sendable {
    let process = Process()
    private let outPath: String
    private let errPath: String
    private let ended = NSLock()
    private var endedAt: Date?
    let started = Date()

    /// Starts `mien arguments`; `name` names its output files in `folder`.
    init(_ arguments: [String], name: String, in folder: String) throws {
        outPath = folder + "/\(name).stdout"
        errPath = folder + "/\(name).stderr"
        for path in [outPath, errPath] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        process.executableURL = URL(fileURLWithPath: MienBinary.path)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardInput = FileHandle.nullDevice
        // Stamped on Foundation's own thread, so the time is right even when
        // the test runner's threads are too busy to poll for minutes.
        process.terminationHandler = { [ended] _ in
            ended.lock()
            self.endedAt = Date()
            ended.unlock()
        }
        try process.run()
    }

    /// Runs `mien arguments` to the end (at most `seconds`, then it is killed).
    static func run(_ arguments: [String], name: String, in folder: String, seconds: Double = 120) async throws -> AsyncMien {
        let process = try AsyncMien(arguments, name: name, in: folder)
        _ = try await process.exit(within: seconds)
        return process
    }

    /// Waits for the exit status, at most `seconds`; nil while it still runs.
    func exit(within seconds: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The exit status, nil while it runs.
    var status: Int32? { process.isRunning ? nil : process.terminationStatus }
    /// When it exited (nil while it runs).
    var exitedAt: Date? {
        ended.lock()
        defer { ended.unlock() }
        return endedAt
    }
    /// Seconds it ran (so far, while it runs).
    var seconds: Double { (exitedAt ?? Date()).timeIntervalSince(started) }
    /// What it wrote to stdout so far.
    var stdout: Data { FileManager.default.contents(atPath: outPath) ?? Data() }
    /// What it wrote to stdout so far, as text.
    var text: String { String(decoding: stdout, as: UTF8.self) }
    /// What it wrote to stderr so far.
    var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
