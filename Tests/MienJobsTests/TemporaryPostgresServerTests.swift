import Foundation
import Testing
@testable import MienJobs

/// The throwaway server the tests start leaves nothing of the test process
/// open: a test once hung for good reading a `mien` child's output, because
/// the server, started at that moment from another thread, had inherited the
/// write end of that child's output pipe.
@Suite("TemporaryPostgresServer")
struct TemporaryPostgresServerTests {
    @Test func theServerInheritsNoDescriptorOfTheTestProcess() throws {
        // Not close-on-exec, as Foundation's pipes for a child's output are not.
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        var info = stat()
        try #require(fstat(ends[1], &info) == 0)
        let pipeName = "pipe:[\(info.st_ino)]"

        let server = try TemporaryPostgresServer()
        defer { server.stop() }
        let pidFile = try String(contentsOfFile: server.directory + "/data/postmaster.pid", encoding: .utf8)
        let pid = try #require(pidFile.split(separator: "\n").first.map(String.init))
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let open = descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
        #expect(!open.isEmpty, "the server's descriptors could not be read")
        #expect(!open.contains(pipeName), "the server holds the test's pipe: \(open)")
    }
}
