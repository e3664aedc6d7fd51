import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

@Suite("Real media in ../shared/media", .enabled(if: SharedMedia.available, Comment(rawValue: SharedMedia.skipReason)))
struct SharedMediaTests {
    @Test func wolfgangLanger() throws {
        let info = try VideoProber.probe(SharedMedia.path("WolfgangLanger_Pexels.mp4"), countFrames: true)
        #expect((info.width, info.height) == (640, 360))
        #expect(info.frames == 472)
        #expect(abs(info.duration - 19.685) < 0.01)
        #expect(abs((info.fps ?? 0) - 24000.0 / 1001) < 1e-9)
        #expect(info.audio && !info.vfr && info.rotation == 0)
    }

    @Test func everyFileProbes() throws {
        #expect(try VideoProber.probe(SharedMedia.path("single_face.mp4"), countFrames: true).frames == 72)
        let noFace = try VideoProber.probe(SharedMedia.path("no_face.mp4"))
        #expect((noFace.width, noFace.height) == (960, 540))
        let photo = try VideoProber.probe(SharedMedia.path("multi_face.jpg"))
        #expect(photo.isImage && photo.width == 1000 && photo.height == 667)
        #expect(throws: MediaError.self) { try VideoProber.probe(SharedMedia.path("README.md")) }
    }

    @Test func fiveFpsGridCoversTheVideo() throws {
        let reader = try VideoReader(path: SharedMedia.path("WolfgangLanger_Pexels.mp4"))
        var times: [Double] = []
        try reader.read(sampling: .grid(fps: 5)) { times.append($0.time) }
        #expect(times.count == 99)  // 0, 0.2, ... 19.6
        #expect(abs(times.last! - 19.6) < 1e-9)
    }
}
