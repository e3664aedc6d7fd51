import Foundation
import MienMedia
@testable import MienPipeline
import MienTestSupport
import Testing

/// Anamorphic video (DV, DVD, HDV: pixels that are not square): the sample
/// squeezed into three quarters of its width with 4:3 pixels, as an HDV
/// camera stores 1920x1080 in 1440x1080. Faces are found on the displayed
/// shape, so the boxes and emotions match the square-pixel original's; on the
/// coded pixels the face would be three quarters as wide.
@Suite("Anamorphic video")
struct AnamorphicVideoTests {
    @Test func boxesAndEmotionsMatchTheSquarePixelOriginal() throws {
        let scratch = try ScratchFolder("mien-anamorphic")
        let sample = RepositoryFiles.astronautClip
        for (name, filter) in [("plain.mp4", "null"), ("squeezed.mp4", "scale=360:270,setsar=4/3")] {
            try Tool.ffmpeg(["-i", sample, "-t", "2", "-an", "-vf", filter, "-c:v", "libx264", "-crf", "12",
                             "-pix_fmt", "yuv420p", name], in: scratch.path)
        }
        let settings = AnalysisSettings(fps: 5)
        let analyzer = ShardAnalyzer(models: try AnalysisModels(settings: settings), settings: settings, threads: 2)
        func faces(_ name: String) throws -> [FaceRecord] {
            let info = try VideoProber.probe(scratch.path + "/" + name)
            #expect((info.width, info.height) == (480, 270))
            return try TimelineAssembler(settings: settings).assemble([try analyzer.analyze(info)]).compactMap(\.faces.first)
        }
        let plain = try faces("plain.mp4"), squeezed = try faces("squeezed.mp4")
        #expect(plain.count >= 8 && squeezed.count == plain.count, "\(plain.count) and \(squeezed.count) faces")
        for (a, b) in zip(plain, squeezed) {
            for i in 0..<4 { #expect(abs(a.box[i] - b.box[i]) < 0.06 * a.box[2], "box \(a.box) against \(b.box)") }
            let gap = zip(a.probs, b.probs).map { abs($0 - $1) }.max() ?? 1
            #expect(gap < 0.1, "probabilities \(a.probs) against \(b.probs)")
        }
    }
}
