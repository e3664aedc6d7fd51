import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

/// Timestamps that start again from an earlier time (`TimestampRebaser`):
/// the rule on plain numbers, then a real joined MPEG-TS (`clip.ts` three
/// times over, joined byte for byte) through the prober and the reader.
@Suite("Timestamps that start again: joined recordings")
struct TimestampResetTests {
    static func rebased(_ stamps: [Int64], threshold: Int64 = 100, interval: Int64 = 10) -> ([Int64], Int) {
        var rebaser = TimestampRebaser(threshold: threshold, interval: interval)
        let out = rebaser.rebase(all: stamps)
        return (out, rebaser.resets)
    }

    @Test func risingTimestampsAreLeftAlone() {
        let stamps: [Int64] = Array(stride(from: 500, to: 1000, by: 10))
        #expect(Self.rebased(stamps) == (stamps, 0))
    }

    /// Decode order with B-frames, and jitter: steps back well under the threshold.
    @Test func smallStepsBackAreLeftAlone() {
        let stamps: [Int64] = [0, 40, 10, 20, 30, 80, 50, 60, 70, 120, 90, 100, 110]
        #expect(Self.rebased(stamps) == (stamps, 0))
    }

    @Test func aResetRunsOnOneIntervalAfterTheHighestTime() {
        let first = Array(stride(from: Int64(1000), through: 1200, by: 10))
        let second = Array(stride(from: Int64(1000), through: 1150, by: 10))
        let (out, resets) = Self.rebased(first + second + second)
        #expect(resets == 2)
        #expect(out == Array(stride(from: Int64(1000), to: 1000 + 10 * Int64(first.count + 2 * second.count), by: 10)))
    }

    /// One damaged timestamp far back, the next ones where they belong: not a
    /// reset (it would shift the rest of the video).
    @Test func oneStrayTimestampIsNotAReset() {
        let stamps: [Int64] = [1000, 1010, 1020, 5, 1040, 1050, 1060]
        #expect(Self.rebased(stamps) == (stamps, 0))
        let two: [Int64] = [1000, 1010, 1020, 5, 6, 1050, 1060]
        #expect(Self.rebased(two).1 == 0)
    }

    /// At the very end fewer timestamps can confirm, but at least one must:
    /// the last timestamp of a stream never starts a reset.
    @Test func aResetNearTheEndConfirmsWithWhatThereIs() {
        #expect(Self.rebased([1000, 1010, 1020, 500, 510]) == ([1000, 1010, 1020, 1030, 1040], 1))
        #expect(Self.rebased([1000, 1010, 1020, 5]) == ([1000, 1010, 1020, 5], 0))
    }

    /// A joined part starts with a keyframe: a drop at any other frame is not a reset.
    @Test func onlyAKeyframeStartsAReset() {
        let stamps: [Int64] = [1000, 1010, 1020, 500, 510, 520]
        var rebaser = TimestampRebaser(threshold: 100, interval: 10)
        let keyframes = [true, false, false, false, false, false]
        #expect(rebaser.rebase(all: stamps, keyframes: keyframes) == stamps && rebaser.resets == 0)
    }

    /// Packets in decode order after a pause in a variable-rate recording with
    /// B-frames: the P-frame past the pause comes before the B-frames shown
    /// before it, so presentation times drop by the pause. Decode times do
    /// not, so it is no reset (it was one, and the probe gave 12.3 s for 9).
    @Test func bFramesAfterAPauseAreNoReset() {
        let pts: [Int64] = [0, 30, 10, 20, 400, 40, 50, 60, 430, 410, 420]
        let dts: [Int64] = [-20, -10, 0, 10, 20, 30, 40, 50, 60, 70, 80]
        var rebaser = TimestampRebaser(threshold: 100, interval: 10)
        // Every frame a keyframe, so only the decode times tell it apart.
        #expect(rebaser.rebase(all: pts, orders: dts) == pts && rebaser.resets == 0)
        var byPresentation = TimestampRebaser(threshold: 100, interval: 10)
        #expect(byPresentation.rebase(all: pts) != pts, "by presentation times it looks like one")
    }

    @Test func extremeTimestampsDoNotTrap() {
        let stamps: [Int64] = [Int64.max - 5, Int64.max, Int64.min, Int64.min + 1, Int64.min + 2, 0]
        _ = Self.rebased(stamps)
        var rebaser = TimestampRebaser(timeBase: Rational(1, 90000), fps: nil)
        _ = rebaser.rebase(all: stamps)
        #expect(rebaser.threshold == 90000)  // one second, the interval unknown
    }

    @Test func theThresholdIsASecondOrTenFrames() {
        #expect(TimestampRebaser(timeBase: Rational(1, 90000), fps: 30).threshold == 90000)
        #expect(TimestampRebaser(timeBase: Rational(1, 1000), fps: 2).threshold == 5000)
        #expect(TimestampRebaser(timeBase: Rational(1, 1000), fps: 2).interval == 500)
    }

    /// Parts that overlap by less than a reset: every frame read gives a time
    /// after the last (the overlap's frames are left out), never one before it.
    @Test func anOverlapNeverMakesTimeGoBack() throws {
        let fx = Fixtures.shared
        let part = try DecodeTests.sequential(fx.mpegts)
        let joined = try DecodeTests.sequential(fx.overlap)
        #expect(zip(joined, joined.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(joined.count > part.count, "the second part's frames after the first part's end are read")
        #expect(Array(joined.prefix(part.count)).map(\.pts) == part.map(\.pts))
        #expect(try VideoProber.probe(fx.overlap).timestampResets == 0)
    }

    /// A raw stream's packets have no timestamps: the probe counts them on,
    /// so it knows the frames, keyframes and duration (it said 0 of each),
    /// and marks the stream as not seekable by time (one shard).
    @Test func aRawStreamIsCountedByItsFrames() throws {
        let path = Fixtures.shared.rawH264
        let info = try VideoProber.probe(path)
        let counted = try Tool.ffprobe(path, ["-count_frames", "-show_entries", "stream=nb_read_frames"])
        #expect(counted.first.map { String($0.split(separator: ",")[0]) } == "50")
        #expect(info.frames == 50 && info.framesSource == .packets)
        #expect(info.keyframes == 5)
        #expect(abs(info.duration - 2) < 0.05, "\(info.duration)")
        #expect(info.timestampsCounted && !info.seeksByTime)
        #expect(try DecodeTests.grid(path, fps: 5, ranges: [.all]).map(\.k) == Array(0..<10))
    }

    @Test func theProbeSeesTheWholeJoinedRecording() throws {
        let fx = Fixtures.shared
        let part = try VideoProber.probe(fx.mpegts)
        let joined = try VideoProber.probe(fx.joined)
        #expect(part.timestampResets == 0)
        #expect(joined.timestampResets == 2)
        #expect(joined.frames == 3 * part.frames)
        #expect(joined.keyframes == 3 * part.keyframes)
        #expect(abs(joined.duration - 3 * part.duration) < 0.01, "\(joined.duration) vs 3 x \(part.duration)")
        #expect(!joined.vfr)
        #expect(joined.keyframeTimes == joined.keyframeTimes.sorted())
        // The second part's keyframes are the first part's, one part's length later.
        for (first, second) in zip(part.keyframeTimes, joined.keyframeTimes.dropFirst(part.keyframes)) {
            #expect(abs(second - first - part.duration) < 0.01)
        }
    }

    /// Every frame of every part, in order, at times that run on; a grid over
    /// the whole gives every grid point once. (Read as they were, the second
    /// and third parts' frames came before the grid and were all dropped.)
    @Test func theReaderGivesEveryPartInTimeOrder() throws {
        let fx = Fixtures.shared
        let part = try DecodeTests.sequential(fx.mpegts)
        let joined = try DecodeTests.sequential(fx.joined)
        #expect(joined.count == 3 * part.count)
        #expect(zip(joined, joined.dropFirst()).allSatisfy { $0.time < $1.time })
        for (i, frame) in joined.enumerated() {
            #expect(frame.sum == part[i % part.count].sum, "frame \(i): not the frame of its part")
        }
        let interval = part[1].time - part[0].time
        let partLength = part.last!.time + interval
        #expect(abs(joined[part.count].time - partLength) < 1e-3)
        #expect(abs(joined.last!.time - (2 * partLength + part.last!.time)) < 1e-3)

        let info = try VideoProber.probe(fx.joined)
        let picks = try DecodeTests.grid(fx.joined, fps: 5, ranges: [.all])
        #expect(picks.map(\.k) == Array(0..<picks.count))
        #expect(abs(Double(picks.count) / 5 - info.duration) <= 0.2 + 1e-9, "\(picks.count) grid points over \(info.duration) s")
    }
}
