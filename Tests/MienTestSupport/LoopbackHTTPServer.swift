import Foundation

/// A static file server on 127.0.0.1 (Python's http.server) for testing network
/// input. It serves one folder, binds only to loopback and is stopped by `stop()`.
public final class LoopbackHTTPServer {
    public let port: Int
    private let process: Process

    /// Starts serving `directory` on a port the system picks (none taken by
    /// another server of a parallel test: a port computed from the process id
    /// could be, and a bare connect could then reach that other server).
    /// - Throws: `FixtureError` when the server does not say its port within 10 s.
    public init(serving directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let printed = PrintedText()
        output.fileHandleForReading.readabilityHandler = { handle in printed.append(handle.availableData) }
        try process.run()
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ...", printed once it listens.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && process.isRunning {
            if let port = Self.port(in: printed.text) {
                output.fileHandleForReading.readabilityHandler = nil
                self.port = port
                self.process = process
                return
            }
            usleep(20_000)
        }
        output.fileHandleForReading.readabilityHandler = nil
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw FixtureError("cannot start a loopback HTTP server: it printed \(printed.text.debugDescription)")
    }

    /// The port in http.server's "Serving HTTP on ADDRESS port N" line.
    static func port(in text: String) -> Int? {
        guard let range = text.range(of: " port ") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        guard text[range.upperBound...].count > digits.count else { return nil }  // the whole number printed
        return Int(digits)
    }

    /// The URL of `name` in the served folder.
    public func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// Stops the server. SIGKILL, because a child of the test runner may inherit
    /// a signal mask that blocks SIGTERM.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// What a child process has printed so far, appended from the pipe's handler thread.
private final class PrintedText: @unchecked Sendable {
    // Safety: `data` is only touched under `lock`.
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
