import Testing

@testable import MienMedia

@Suite("GridSampler picks the last frame at or before each grid point")
struct GridSamplerTests {
    /// Runs a sampler over frames at `times` and returns (k, frame index) pairs.
    func run(_ times: [Double], fps: Double, range: TimeRange = .all, streamEnd: Double? = nil) -> [(Int, Int)] {
        var sampler = GridSampler<Int>(fps: fps, range: range)
        var picks: [(Int, Int)] = []
        for (i, t) in times.enumerated() {
            picks += sampler.push(time: t, item: i).map { ($0.index, $0.item) }
        }
        picks += sampler.finish(streamEnd: streamEnd ?? (times.last! + 0.1)).map { ($0.index, $0.item) }
        return picks
    }

    @Test func slowerGridSkipsFrames() {
        // Frames every 0.1 s, grid every 0.25 s.
        let picks = run((0..<10).map { Double($0) / 10 }, fps: 4)
        #expect(picks.map(\.0) == [0, 1, 2, 3])
        #expect(picks.map(\.1) == [0, 2, 5, 7])  // 0 -> f0, 0.25 -> f2, 0.5 -> f5, 0.75 -> f7
    }

    @Test func fasterGridRepeatsFrames() {
        let picks = run([0, 0.5], fps: 4, streamEnd: 1.0)
        #expect(picks.map(\.1) == [0, 0, 1, 1])
    }

    @Test func gridPointsBeforeTheFirstFrameTakeIt() {
        let picks = run([0.3, 0.6], fps: 10, streamEnd: 0.7)
        #expect(picks.prefix(3).map(\.1) == [0, 0, 0])
        #expect(picks.map(\.0) == Array(0...6))
    }

    @Test func exactHitsTakeTheFrameAtThatTime() {
        let picks = run([0, 0.2, 0.4], fps: 5, streamEnd: 0.6)
        #expect(picks.map(\.1) == [0, 1, 2])
    }

    @Test func rangeLimitsThePoints() {
        let times = (0..<20).map { Double($0) / 10 }
        let a = run(times, fps: 3, range: TimeRange(start: 0, end: 1))
        let b = run(times, fps: 3, range: TimeRange(start: 1, end: .infinity))
        let all = run(times, fps: 3)
        #expect((a + b).map(\.0) == all.map(\.0))
        #expect((a + b).map(\.1) == all.map(\.1))
    }
}
