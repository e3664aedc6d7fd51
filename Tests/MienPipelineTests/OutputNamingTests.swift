import Foundation
@testable import MienPipeline
import Testing

@Suite("Output names and input folders")
struct OutputNamingTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mien-naming-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func touch(_ relative: String) throws {
        let path = folder + "/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
    }

    @Test func aNameIsTheFileNameWithoutItsExtension() {
        #expect(OutputNaming.names(for: ["/a/clip.mp4", "b/other.mov", ".mp4"], outputDirectory: folder) == ["clip", "other", ".mp4"])
    }

    @Test func sameNamedInputsGetDistinctStableNames() {
        let names = OutputNaming.names(for: ["/a/clip.mp4", "/b/clip.mp4", "/c/clip.mov", "/d/solo.mp4"], outputDirectory: folder)
        #expect(Set(names).count == 4)
        #expect(names[3] == "solo")
        #expect(names[0].hasPrefix("clip-") && names[0].count == "clip-".count + 8)
        #expect(names == OutputNaming.names(for: ["/a/clip.mp4", "/b/clip.mp4", "/c/clip.mov", "/d/solo.mp4"], outputDirectory: folder))
    }

    @Test func anEarlierRunOfAnotherInputIsNotOverwritten() throws {
        let meta = #"{"input": {"path": "x", "absolute_path": "/elsewhere/clip.mp4"}}"#
        try Data(meta.utf8).write(to: URL(fileURLWithPath: folder + "/clip.meta.json"))
        #expect(OutputNaming.names(for: ["/here/clip.mp4"], outputDirectory: folder)[0] != "clip")
        #expect(OutputNaming.names(for: ["/elsewhere/clip.mp4"], outputDirectory: folder)[0] == "clip")
    }

    @Test func foldersExpandToTheirVisibleFilesSorted() throws {
        try touch("in/b.mp4")
        try touch("in/a.mp4")
        try touch("in/sub/c.mp4")
        try touch("in/.hidden.mp4")
        try touch("in/.cache/d.mp4")
        try touch("in/b.timeline.jsonl")
        try touch("in/b.meta.json")
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
        let result = InputExpansion.expand([folder + "/in", folder + "/empty", folder + "/missing.mp4", folder + "/in/./a.mp4"])
        #expect(result.files == ["in/a.mp4", "in/b.mp4", "in/sub/c.mp4"].map { folder + "/" + $0 } + [folder + "/missing.mp4"])
        #expect(result.emptyFolders == [folder + "/empty"])
    }

    @Test func atomicWritesReplaceWholeAndFailClearly() throws {
        let path = folder + "/out.json"
        try AtomicFile.write(Data("one".utf8), to: path)
        try AtomicFile.write(Data("two".utf8), to: path)
        #expect(FileManager.default.contents(atPath: path) == Data("two".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.json"])
        #expect {
            try AtomicFile.write(Data(), to: folder + "/no/such/folder/x.json")
        } throws: { ($0 as? AnalysisError)?.message.contains("/no/such/folder/x.json") == true }
    }
}
