import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

@Suite("Bad inputs give clear errors, never a crash")
struct BadInputTests {
    let fx = Fixtures.shared

    static let cases: [(String, MediaError.Code, String)] = [
        ("noise", .notMedia, "not a media file"),
        ("text", .notMedia, "not a media file"),
        ("empty", .emptyFile, "empty file"),
        ("audioOnly", .noVideoStream, "audio only"),
        ("unknownCodec", .unsupportedCodec, "QQQQ"),
        ("hugeRefusedByFFmpeg", .absurdDimensions, "40000x40000"),
        ("hugeOverLimit", .absurdDimensions, "20000x20000"),
        ("truncatedIndexFirst", .truncated, "truncated"),
        ("truncatedIndexLast", .truncated, "truncated"),
        ("hlsPlaylist", .refusedDemuxer, "HLS playlist"),
        ("concatList", .refusedDemuxer, "concat list"),
    ]

    @Test(arguments: cases)
    func probeNamesFileAndCause(name: String, code: MediaError.Code, words: String) {
        let path = fixture(name)
        do {
            _ = try VideoProber.probe(path)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.code == code)
            #expect(error.path == path)
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.description.contains(words), "message: \(error.description)")
        }
    }

    @Test func missingFileAndDirectory() {
        #expect(throws: MediaError.self) { try VideoProber.probe(fx.directory + "/nope.mp4") }
        do { _ = try VideoProber.probe(fx.directory + "/nope.mp4") } catch { #expect(error.code == .notFound) }
        do { _ = try VideoProber.probe(fx.directory) } catch { #expect(error.code == .unreadable) }
    }

    @Test func protocolLookingNamesAreLocalFiles() {
        // "concat:" and "subfile," are FFmpeg protocols; as a path they must name a local file.
        for name in ["concat:\(fx.h264)|\(fx.h264)", "subfile,,start,0,end,100,,:\(fx.h264)"] {
            do { _ = try VideoProber.probe(name) } catch { #expect(error.code == .notFound, "\(name): \(error)") }
        }
    }

    @Test func networkInputIsOffByDefault() {
        // Refused before any connection: nothing listens on port 9 of this address anyway.
        do { _ = try VideoProber.probe("http://127.0.0.1:9/clip.mp4") } catch { #expect(error.code == .networkDisabled) }
        do { _ = try VideoProber.probe("HTTPS://127.0.0.1:9/clip.mp4") } catch { #expect(error.code == .networkDisabled) }
    }

    @Test func networkInputWorksWhenEnabled() throws {
        let server = try LoopbackHTTPServer(serving: fx.directory)
        defer { server.stop() }
        // Fast-start (index first), as web video is: the test server cannot serve byte ranges.
        let url = server.url("faststart.mp4")
        do { _ = try VideoProber.probe(url) } catch { #expect(error.code == .networkDisabled) }
        let info = try VideoProber.probe(url, countFrames: true, options: MediaOpenOptions(allowNetwork: true))
        #expect(info.frames == 50)
        #expect(info.path == url)
        // Index at the end and a server without byte ranges: the full count or an error, never a short count.
        do {
            let late = try VideoProber.probe(server.url("h264_bframes.mp4"), countFrames: true,
                                             options: MediaOpenOptions(allowNetwork: true))
            #expect(late.frames == 75)
        } catch {
            #expect(error.code == .decodeFailed, "\(error)")
        }
    }

    @Test func playlistsOpenWhenEnabled() throws {
        let options = MediaOpenOptions(allowPlaylists: true)
        let info = try VideoProber.probe(fx.hlsPlaylist, countFrames: true, options: options)
        #expect(info.frames == 50)
    }

    @Test func demuxerPolicy() {
        let safe = MediaOpenOptions()
        #expect(DemuxerPolicy.refusal(for: "hls", options: safe) != nil)
        #expect(DemuxerPolicy.refusal(for: "image2", options: safe) != nil)
        #expect(DemuxerPolicy.refusal(for: "mov,mp4,m4a,3gp,3g2,mj2", options: safe) == nil)
        #expect(DemuxerPolicy.refusal(for: "png_pipe", options: safe) == nil)
        #expect(DemuxerPolicy.refusal(for: "hls", options: MediaOpenOptions(allowPlaylists: true)) == nil)
    }

    @Test func corruptMiddleIsSkippedCountedAndDecodingGoesOn() throws {
        let reader = try VideoReader(path: fx.corruptMiddle)
        var times: [Double] = []
        try reader.read(sampling: .everyFrame) { times.append($0.frame.time) }
        #expect(reader.stats.hasDamage)
        #expect(reader.stats.corruptPackets + reader.stats.corruptFrames > 0)
        #expect(times.count > 25)  // frames on both sides of the damage
        #expect((times.last ?? 0) > 1.9)  // up to the end of the 2 s clip
    }

    @Test func truncatedFileDeliversWhatIsThereThenStops() throws {
        let reader = try VideoReader(path: fx.truncatedIndexFirst)
        var frames = 0
        try reader.read(sampling: .everyFrame) { _ in frames += 1 }
        #expect(frames > 5 && frames < 50)
        #expect(reader.stats.readErrors + reader.stats.corruptPackets > 0)
    }

    @Test func readerRefusesTheSameInputs() {
        for (name, code, _) in Self.cases where code != .truncated || name == "truncatedIndexLast" {
            do {
                _ = try VideoReader(path: fixture(name))
                Issue.record("\(name) was opened")
            } catch {
                #expect(error.code == code, "\(name): \(error)")
            }
        }
    }
}
