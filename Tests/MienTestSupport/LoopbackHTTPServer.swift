import Foundation

/// A static file server on 127.0.0.1 (Python's http.server) for testing network
/// input. It serves one folder, binds only to loopback and is stopped by `stop()`.
public final class LoopbackHTTPServer {
    public let port: Int
    private let process: Process

    /// Starts serving `directory`; throws when no port could be bound within a few tries.
    public init(serving directory: String) throws {
        var lastError = "no attempt"
        for attempt in 0..<5 {
            let port = 20000 + Int(getpid() % 20000) + attempt * 997
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-m", "http.server", "--bind", "127.0.0.1", String(port)]
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait up to 5 s for the port to answer.
            for _ in 0..<100 where process.isRunning {
                if Self.answers(port: port) {
                    self.port = port
                    self.process = process
                    return
                }
                usleep(50_000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastError = "port \(port) did not answer"
        }
        throw FixtureError("cannot start a loopback HTTP server: \(lastError)")
    }

    /// The URL of `name` in the served folder.
    public func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// Stops the server. SIGKILL, because a child of the test runner may inherit
    /// a signal mask that blocks SIGTERM.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static func answers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
