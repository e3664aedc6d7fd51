import Foundation

/// Runs the command-line tools the tests compare against (ffmpeg, ffprobe,
/// the built `mien`), which the project's set-up script installs.
public enum Tool {
    /// The result of a finished process.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `executable` (looked up on PATH) with `arguments` and waits for it.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Output(status: process.terminationStatus, stdout: stdout,
                      stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Runs ffmpeg quietly and throws with its message when it fails.
    public static func ffmpeg(_ arguments: [String], in directory: String? = nil) throws {
        let result = try run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments, in: directory)
        guard result.status == 0 else {
            throw FixtureError("ffmpeg \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
    }

    /// ffprobe's CSV output for `entries` of the first video stream.
    public static func ffprobe(_ path: String, _ arguments: [String]) throws -> [String] {
        let result = try run("ffprobe", ["-v", "error", "-select_streams", "v:0"] + arguments + ["-of", "csv=p=0", path])
        guard result.status == 0 else { throw FixtureError("ffprobe failed on \(path): \(result.stderr)") }
        return result.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A failure while making or reading test fixtures.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
}
