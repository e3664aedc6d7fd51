// libFuzzer target: a container's bytes through probing and decoding.
//
// The bytes are written to a temporary file (the media module opens inputs by
// path, through its own safety checks), probed as `mien probe` does, then
// decoded: a few frames in order with their pixels converted, a seek to the
// probed keyframe nearest the middle, and a short grid read. Any error is
// fine; a trap or a memory error is a finding.
import Foundation
import FuzzDriver
import MienMedia

private let input = NSTemporaryDirectory() + "mien-fuzz-media-\(getpid()).bin"

@_cdecl("FuzzMedia_main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: input, contents: Data(bytes: data, count: size)) else { return 0 }
    if let info = try? VideoProber.probe(input) {
        _ = try? JSONEncoder().encode(info)
        decode(seekTo: info.keyframeTimes.isEmpty ? nil : info.keyframeTimes[info.keyframeTimes.count / 2])
    }
    return 0
}

/// What a stop after a few grid points throws.
private struct Enough: Error {}

private func decode(seekTo keyframe: Double?) {
    guard let reader = try? VideoReader(path: input) else { return }
    var frames = 0
    while frames < 6, let frame = try? reader.nextFrame() {
        _ = try? frame.image(PixelRequest(.gray))
        _ = try? frame.image(PixelRequest(.rgb, maxWidth: 24, maxHeight: 24))
        frames += 1
    }
    if let keyframe, keyframe.isFinite, keyframe >= 0 {
        try? reader.seek(to: keyframe)
        _ = try? reader.nextFrame()?.image(PixelRequest(.rgbPlanar, maxWidth: 16, maxHeight: 16))
    }
    guard let again = try? VideoReader(path: input) else { return }
    var picks = 0
    _ = try? again.read(range: TimeRange(start: 0, end: 2), sampling: .grid(fps: 7)) { _ in
        picks += 1
        if picks >= 4 { throw Enough() }
    }
}
