import Foundation
import MienFace

/// A temporary file of fixed-size slots, one per face, that holds a video's
/// per-face `(t, probabilities)` while its tracks are gathered, and then each
/// face's smoothed result, so that smoothing a long recording needs memory
/// for one track and one shard, not for the whole video.
///
/// Slot layout (36 bytes, native byte order): before smoothing, `t` as a
/// `Double` then the seven probabilities as `Float`; after, the seven
/// smoothed probabilities as `Float`, the smoothed emotion's index as
/// `UInt32`, and 4 unused bytes. The file is deleted when the spill is closed
/// or deinitialised, and is unlinked from its folder as soon as it is open,
/// so a crash leaves nothing behind.
final class SmoothingSpill {
    static let slotBytes = 36
    private static let emotions = Emotion.allCases.count
    private let descriptor: Int32
    /// Where the file was made (for error messages).
    let path: String
    /// Slots written so far.
    private(set) var count = 0

    /// Creates the file in `folder`.
    /// - Throws: `AnalysisError.outputFailed` when it cannot be made.
    init(folder: String) throws(AnalysisError) {
        path = folder + "/.mien-smoothing-\(getpid())-\(UUID().uuidString).tmp"
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw AnalysisError(.outputFailed, "\(path): cannot create the smoothing file: \(String(cString: strerror(errno)))")
        }
        unlink(path)
    }

    deinit { close(descriptor) }

    /// Appends one slot per sample; returns the first one's index.
    func append(_ samples: [(t: Double, probs: [Float])]) throws(AnalysisError) -> Int {
        var bytes = [UInt8](repeating: 0, count: samples.count * Self.slotBytes)
        bytes.withUnsafeMutableBytes { raw in
            for (i, sample) in samples.enumerated() {
                let base = i * Self.slotBytes
                raw.storeBytes(of: sample.t, toByteOffset: base, as: Double.self)
                for e in 0..<Self.emotions {
                    raw.storeBytes(of: e < sample.probs.count ? sample.probs[e] : 0, toByteOffset: base + 8 + 4 * e, as: Float.self)
                }
            }
        }
        let first = count
        try write(bytes, at: first)
        count += samples.count
        return first
    }

    /// The samples in slots `first ..< first + n` (as appended).
    func samples(_ first: Int, _ n: Int) throws(AnalysisError) -> [(t: Double, probs: [Float])] {
        let bytes = try read(first, n)
        return bytes.withUnsafeBytes { raw in
            (0..<n).map { i in
                let base = i * Self.slotBytes
                return (raw.load(fromByteOffset: base, as: Double.self),
                        (0..<Self.emotions).map { raw.load(fromByteOffset: base + 8 + 4 * $0, as: Float.self) })
            }
        }
    }

    /// Replaces slots `first ..< first + results.count` with smoothed results.
    func store(_ results: [SmoothedSample], at first: Int) throws(AnalysisError) {
        var bytes = [UInt8](repeating: 0, count: results.count * Self.slotBytes)
        bytes.withUnsafeMutableBytes { raw in
            for (i, result) in results.enumerated() {
                let base = i * Self.slotBytes
                for e in 0..<Self.emotions { raw.storeBytes(of: result.probs[e], toByteOffset: base + 4 * e, as: Float.self) }
                raw.storeBytes(of: UInt32(result.emotionIndex), toByteOffset: base + 28, as: UInt32.self)
            }
        }
        try write(bytes, at: first)
    }

    /// The smoothed results in slots `first ..< first + n` (after `store`).
    func smoothed(_ first: Int, _ n: Int) throws(AnalysisError) -> [SmoothedEmotion] {
        let bytes = try read(first, n)
        return bytes.withUnsafeBytes { raw in
            (0..<n).map { i in
                let base = i * Self.slotBytes
                let index = Int(raw.load(fromByteOffset: base + 28, as: UInt32.self))
                return SmoothedEmotion(emotion: Emotion.allCases[min(index, Self.emotions - 1)],
                                       probs: (0..<Self.emotions).map { raw.load(fromByteOffset: base + 4 * $0, as: Float.self) })
            }
        }
    }

    private func write(_ bytes: [UInt8], at slot: Int) throws(AnalysisError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, bytes.count - done, off_t(slot * Self.slotBytes + done)) }
            guard n > 0 else {
                throw AnalysisError(.outputFailed, "\(path): writing the smoothing file failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    private func read(_ slot: Int, _ n: Int) throws(AnalysisError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: n * Self.slotBytes)
        var done = 0
        while done < bytes.count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, $0.count - done, off_t(slot * Self.slotBytes + done)) }
            guard got > 0 else {
                throw AnalysisError(.outputFailed, "\(path): reading the smoothing file failed: \(got == 0 ? "it is shorter than written" : String(cString: strerror(errno)))")
            }
            done += got
        }
        return bytes
    }
}
