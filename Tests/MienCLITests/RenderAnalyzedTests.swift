import Foundation
import MienTestSupport
import Testing

/// `mien analyze` then `mien render` on real faces: the bundled sample in the
/// default suite, and the real media of ../shared (a multi-face clip made from
/// its group photo, and the long clip with audio) when it is there.
struct RenderAnalyzed {
    let root: String

    init(_ name: String) throws {
        root = NSTemporaryDirectory() + "mien-render-\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// Analyses `input` on a `fps` grid, renders it, checks the output against the input
    /// (frame times, duration, size, audio) and that each face of the first record has a box
    /// drawn on frame 0; returns the first record's faces.
    @discardableResult
    func analyzeAndRender(_ input: String, fps: Int, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let analyzed = try MienBinary.run(["analyze", "--fps", String(fps), input, "--out", root])
        try #require(analyzed.status == 0, "\(analyzed.stderr)", sourceLocation: sourceLocation)
        let name = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let timeline = root + "/" + name + ".timeline.jsonl"
        let output = root + "/" + name + ".rendered.mp4"
        let run = try MienBinary.run(["render", input, "--timeline", timeline, "-o", output])
        try #require(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)

        let source = VideoFile(path: input), rendered = VideoFile(path: output)
        let (times, sourceTimes) = (try rendered.frameTimes(), try source.frameTimes())
        #expect(!times.isEmpty && times == sourceTimes, sourceLocation: sourceLocation)
        #expect(abs(try rendered.duration() - source.duration()) < 1e-3, sourceLocation: sourceLocation)
        let (inSize, outSize) = (try source.displayedSize(), try rendered.displayedSize())
        #expect(inSize == outSize, "\(inSize) vs \(outSize)", sourceLocation: sourceLocation)
        #expect(try rendered.codec("a") == source.codec("a"), sourceLocation: sourceLocation)

        let first = try String(contentsOfFile: timeline, encoding: .utf8).split(separator: "\n")[0]
        let record = try JSONSerialization.jsonObject(with: Data(first.utf8)) as! [String: Any]
        let faces = record["faces"] as? [[String: Any]] ?? []
        let (before, after) = (try source.rgbFrame(0), try rendered.rgbFrame(0))
        for face in faces {
            // Box corners are drawn at even pixels (`FaceOverlay`), lines 2 px wide at these sizes.
            let box = (face["box"] as! [Double]).map { 2 * Int(($0 / 2).rounded()) }
            let x = max(0, box[0]), centre = box[0] + box[2] / 2
            let rows = max(0, box[1] + box[3] / 4)..<min(after.height, box[1] + 3 * box[3] / 4)
            let color = Self.palette[(face["track"] as! Int) % Self.palette.count]
            // Medians over the rows: another face's label may cover part of the edge.
            let median = { (values: [Int]) in values.sorted()[values.count / 2] }
            let change = { (x: Int) in median(rows.map { y in zip(after.pixel(x, y), before.pixel(x, y)).map { abs($0 - $1) }.reduce(0, +) }) }
            let distance = median(rows.map { y in zip(after.pixel(x, y), color).map { abs($0 - $1) }.reduce(0, +) })
            // The left edge changed to near the track's colour; the middle of the face only by compression.
            #expect(change(x) > 60 && distance < 100 && change(centre) < 30,
                    "track \(face["track"]!)'s box: edge at x \(x) changed \(change(x)), is \(distance) from its colour; centre changed \(change(centre))",
                    sourceLocation: sourceLocation)
        }
        return faces
    }

    /// `FaceOverlay.palette`.
    static let palette = [[0, 230, 64], [255, 140, 0], [0, 200, 255], [255, 0, 200], [255, 230, 0], [255, 40, 40], [70, 110, 255], [170, 255, 120]]
}

@Suite("mien render on the bundled sample")
struct RenderSampleTests {
    @Test func analyzedSampleRendersWithItsFaceBoxed() throws {
        let work = try RenderAnalyzed("sample")
        defer { try? FileManager.default.removeItem(atPath: work.root) }
        let faces = try work.analyzeAndRender(RepositoryFiles.astronautClip, fps: 5)
        #expect(faces.count == 1)
    }
}

@Suite("mien render on real media", .enabled(if: SharedMedia.available, Comment(rawValue: SharedMedia.skipReason)))
struct RenderSharedMediaTests {
    /// A 2 s clip of the group photo (five faces), slowly zoomed, with audio.
    @Test func multiFaceClip() throws {
        let work = try RenderAnalyzed("multi")
        defer { try? FileManager.default.removeItem(atPath: work.root) }
        try Tool.ffmpeg(["-loop", "1", "-framerate", "25", "-i", SharedMedia.path("multi_face.jpg"),
                         "-f", "lavfi", "-i", "sine=frequency=300:duration=2",
                         "-vf", "scale=1000:668,zoompan=z='1+0.002*on':d=1:s=640x428:fps=25", "-t", "2",
                         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "multi_face.mp4"], in: work.root)
        let faces = try work.analyzeAndRender(work.root + "/multi_face.mp4", fps: 5)
        #expect(faces.count >= 4, "faces found on the first frame: \(faces.count)")
    }

    @Test func longClipWithAudio() throws {
        let work = try RenderAnalyzed("long")
        defer { try? FileManager.default.removeItem(atPath: work.root) }
        let faces = try work.analyzeAndRender(SharedMedia.path("WolfgangLanger_Pexels.mp4"), fps: 2)
        #expect(faces.count == 1)
    }
}
