import Foundation
import MienTestSupport
import Testing

@testable import MienMedia

/// The checked arithmetic every number from a file goes through: nil (or an
/// error) where plain Swift arithmetic would trap, the exact answer elsewhere.
@Suite("Timestamp arithmetic on file values never traps")
struct TimestampMathTests {
    static let edges: [Int64] = [
        0, 1, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, .max, .max - 1, .min, .min + 1, -1, -0x8000_0000,
    ]

    @Test(arguments: edges, edges)
    func secondsBetweenAnyTwoTimestamps(ticks: Int64, origin: Int64) {
        for timeBase in [Rational(1, 1), Rational(1, 90_000), Rational(1, 1_000_000_000), Rational(0, 0), Rational(0x7FFF_FFFF, 1)] {
            let seconds = TimestampMath.seconds(ticks, from: origin, timeBase: timeBase)
            let (difference, overflow) = ticks.subtractingReportingOverflow(origin)
            if overflow {
                #expect(seconds == nil)
            } else if let seconds {
                #expect(seconds.isFinite && seconds.magnitude <= TimestampMath.maxSeconds)
                #expect(seconds == Double(difference) * timeBase.value)
            } else {
                #expect((Double(difference) * timeBase.value).magnitude > TimestampMath.maxSeconds)
            }
        }
    }

    @Test func secondsOfOrdinaryTimestampsAreExact() {
        #expect(TimestampMath.seconds(180_000, from: 90_000, timeBase: Rational(1, 90_000)) == 1)
        #expect(abs(TimestampMath.seconds(-3003, from: 0, timeBase: Rational(1001, 30_000))! + 100.2001) < 1e-9)
        #expect(TimestampMath.seconds(0, from: .min, timeBase: Rational(1, 1)) == nil)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, 0x1p63, -0x1p64, 1e300, .greatestFiniteMagnitude])
    func doublesThatFitNoIntegerGiveNil(value: Double) {
        #expect(TimestampMath.int64(value) == nil)
        #expect(TimestampMath.int(value) == nil)
    }

    @Test func doublesThatFitConvert() {
        #expect(TimestampMath.int64(-0x1p63) == .min)
        #expect(TimestampMath.int64(0x1p63 - 1024) == Int64.max - 1023)
        #expect(TimestampMath.int64(0) == 0)
        #expect(TimestampMath.int(-2.5) == -2)
        #expect(TimestampMath.int(Double(0xFFFF_FFFF)) == 0xFFFF_FFFF)
    }

    @Test func ticksNeedAValidTimeBase() {
        #expect(TimestampMath.ticks(2, timeBase: Rational(1, 90_000)) == 180_000)
        #expect(TimestampMath.ticks(2, timeBase: Rational(0, 1)) == nil)
        #expect(TimestampMath.ticks(2, timeBase: Rational(1, 0)) == nil)
        #expect(TimestampMath.ticks(1e7, timeBase: Rational(1, 0x7FFF_FFFF)) == Int64(1e7 * Double(0x7FFF_FFFF)))
        #expect(TimestampMath.ticks(1e12, timeBase: Rational(1, 0x7FFF_FFFF)) == nil)
        #expect(TimestampMath.ticks(.nan, timeBase: Rational(1, 1)) == nil)
    }

    @Test func sumsReportOverflow() {
        #expect(TimestampMath.sum(.max - 10, 10) == .max)
        #expect(TimestampMath.sum(.max - 10, 11) == nil)
        #expect(TimestampMath.sum(.min, -1) == nil)
        #expect(TimestampMath.sum(0xFFFF_FFFF, 0x7FFF_FFFF) == 0x1_7FFF_FFFE)
    }

    @Test func frameIntervalsTooWideForInt64AreVariable() {
        #expect(FrameTiming.isVariable([.min, 0, .max]))
        #expect(FrameTiming.isVariable([.min + 1, .min + 2, .max]))
        #expect(!FrameTiming.isVariable([.max - 2, .max - 1, .max]))
        #expect(!FrameTiming.isVariable([.min, .min + 3000, .min + 6000, .min + 9000]))
        #expect(FrameTiming.positions(of: [.max, .min], among: [.min, 0, .max]) == [2, 0])
    }

    @Test(arguments: [1e7 + 1, 1e300, Double.infinity])
    func gridStartsBeyondAnyVideoHaveNoPoints(start: Double) {
        var sampler = GridSampler<Int>(fps: 1e6, range: TimeRange(start: start, end: .infinity))
        #expect(sampler.push(time: 0, item: 0).isEmpty)
        #expect(sampler.finish(streamEnd: 1).isEmpty)
    }

    @Test func aGapOfDaysIsHandedOutOnePointAtATime() {
        // Two frames 100 days apart at 1,000 points a second: 8.64e9 grid points,
        // which an array of picks could not hold; the caller stops after a few.
        struct Stop: Error {}
        var sampler = GridSampler<Int>(fps: 1000, range: .all)
        sampler.push(time: 0, item: 0) { _ in Issue.record("no point before the first frame") }
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try sampler.push(time: 8.64e6, item: 1) { pick in
                seen.append(pick.index)
                if seen.count == 3 { throw Stop() }
            }
        }
        #expect(seen == [0, 1, 2])
    }

    @Test func readRefusesRangesAndRatesBeyondAnyVideo() throws {
        let reader = try VideoReader(path: Fixtures.shared.h264)
        for (range, sampling) in [
            (TimeRange(start: 1e300, end: .infinity), Sampling.everyFrame),
            (TimeRange(start: 0, end: 1), .grid(fps: 1e300)),
            (TimeRange(start: 0, end: 1), .grid(fps: .infinity)),
            (TimeRange(start: 0, end: 1), .grid(fps: .nan)),
        ] {
            #expect(throws: MediaError.self, "\(range) \(sampling)") { try reader.read(range: range, sampling: sampling) { _ in } }
        }
        #expect(throws: MediaError.self) { try reader.seek(to: .nan) }
        #expect(throws: MediaError.self) { try reader.seek(to: 1e300) }
        try reader.seek(to: 1e7)  // past the end: the last frame covers it
        #expect(try reader.nextFrame() != nil)
    }
}
