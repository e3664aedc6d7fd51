import Foundation
import MienPipeline
import MienTestSupport
import Testing

@Suite("Atomic file writing")
struct AtomicFileWriterTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-atomic-\(getpid())-\(UUID().uuidString)").path

    /// The id of a process that has ended.
    static func endedProcess() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func aCommitReplacesTheFileWholeAndLeavesNoTemporary() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/a.timeline.jsonl"
        try AtomicFile.write(Data("old\n".utf8), to: path)
        let writer = try AtomicFileWriter(path: path)
        try writer.append(Data("new\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n", "the old file until the commit")
        try writer.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["a.timeline.jsonl"])
    }

    /// A run killed while writing leaves `.NAME.tmp-PID`; the next run removes
    /// it, but never the temporary file of a process still writing.
    @Test func abandonedTemporaryFilesAreRemovedLiveOnesKept() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ended = try Self.endedProcess()
        let abandoned = folder + "/.lesson.timeline.jsonl.tmp-\(ended)"
        let live = folder + "/.other.timeline.jsonl.tmp-\(getpid())"
        let kept = [folder + "/lesson.timeline.jsonl", folder + "/.hidden-notes", folder + "/.x.tmp-notanumber"]
        for path in [abandoned, live] + kept { try Data("x".utf8).write(to: URL(fileURLWithPath: path)) }
        #expect(AtomicFileWriter.removeAbandoned(in: folder) == [abandoned])
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        for path in [live] + kept { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        #expect(AtomicFileWriter.removeAbandoned(in: folder + "/missing").isEmpty)
    }
}
