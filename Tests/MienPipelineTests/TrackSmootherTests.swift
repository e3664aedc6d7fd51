import Foundation
import MienFace
import Testing

@testable import MienPipeline

@Suite struct TrackSmootherTests {
    static let allMethods: [SmoothingMethod] = [
        .none, .ema(timeConstant: 0.5), .ema(timeConstant: 0.01), .window(seconds: 1),
        .window(seconds: 0), .hmm(stickiness: 0.95), .hmm(stickiness: 0.5),
    ]

    /// Irregular times: a variable frame rate, a duplicate time and a 2-second gap.
    static let irregularTimes: [Double] = [0, 0.033, 0.07, 0.1, 0.1, 0.2, 2.2, 2.25, 2.3, 4.0]

    @Test(arguments: allMethods)
    func constantInputStaysConstant(method: SmoothingMethod) throws {
        let probs: [Float] = [0.05, 0.02, 0.03, 0.6, 0.1, 0.05, 0.15]
        let smoothed = try TrackSmoother(method: method)
            .smooth(Self.irregularTimes.map { (t: $0, probs: probs) })
        #expect(smoothed.map(\.t) == Self.irregularTimes)
        #expect(smoothed.allSatisfy { $0.emotion == .happy })
        if case .hmm = method {
            // Posteriors sharpen a constant input, so only the state is constant.
            return
        }
        for sample in smoothed {
            for k in probs.indices { #expect(abs(sample.probs[k] - probs[k]) < 1e-6) }
        }
    }

    @Test(arguments: allMethods)
    func probabilitiesStayNormalised(method: SmoothingMethod) throws {
        var generator = SeededRandom(seed: 11)
        var t = 0.0
        let samples = (0..<300).map { i -> (t: Double, probs: [Float]) in
            t += Double.random(in: 0...0.2, using: &generator)
            // Unnormalised input, zeros and an all-zero vector included.
            let probs = (0..<7).map { _ in Float.random(in: 0..<1, using: &generator) < 0.3 ? 0 : Float.random(in: 0..<3, using: &generator) }
            return (t: t, probs: i == 17 ? [Float](repeating: 0, count: 7) : probs)
        }
        let smoothed = try TrackSmoother(method: method).smooth(samples)
        #expect(smoothed.count == samples.count)
        for sample in smoothed {
            #expect(sample.probs.count == 7)
            #expect(sample.probs.allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(abs(sample.probs.reduce(0, +) - 1) < 1e-5)
            #expect((0..<7).contains(sample.emotionIndex))
        }
    }

    @Test func emaOnIrregularTimesEqualsTheClosedForm() throws {
        let tau = 0.3
        let times: [Double] = [0, 0.1, 0.15, 0.6, 0.61, 2.0]
        let emotions: [Emotion] = [.angry, .happy, .happy, .sad, .fear, .neutral]
        let raw = emotions.map { leaning($0, 0.6) }
        let smoothed = try TrackSmoother(method: .ema(timeConstant: tau))
            .smooth(zip(times, raw).map { (t: $0, probs: $1) })
        // s_n = p_0 e^{-(t_n - t_0)/tau} + sum_{i=1..n} (1 - e^{-(t_i - t_{i-1})/tau}) e^{-(t_n - t_i)/tau} p_i
        for n in times.indices {
            for k in 0..<7 {
                var expected = Double(raw[0][k]) * exp(-(times[n] - times[0]) / tau)
                for i in stride(from: 1, through: n, by: 1) {
                    let gain = 1 - exp(-(times[i] - times[i - 1]) / tau)
                    expected += gain * exp(-(times[n] - times[i]) / tau) * Double(raw[i][k])
                }
                #expect(abs(Double(smoothed[n].probs[k]) - expected) < 1e-6, "n=\(n) k=\(k)")
            }
        }
    }

    @Test func emaGapWeighsLikeTheMissingSteps() throws {
        // One step of 2*dt equals two steps of dt when the input does not change.
        let smoother = try TrackSmoother(method: .ema(timeConstant: 0.2))
        let dense = try smoother.smooth([(0, leaning(.angry)), (0.1, leaning(.happy)), (0.2, leaning(.happy))])
        let gapped = try smoother.smooth([(0, leaning(.angry)), (0.2, leaning(.happy))])
        for k in 0..<7 { #expect(abs(dense[2].probs[k] - gapped[1].probs[k]) < 1e-6) }
    }

    @Test func windowIsCentredOnTimeAcrossAnOddGap() throws {
        // seconds 0.5: each sample averages those within +-0.25 s.
        let times: [Double] = [0, 0.1, 0.25, 1.5, 1.6, 3.0]
        let emotions: [Emotion] = [.angry, .disgust, .fear, .happy, .sad, .surprise]
        let raw = emotions.map { leaning($0, 0.9) }
        let smoothed = try TrackSmoother(method: .window(seconds: 0.5))
            .smooth(zip(times, raw).map { (t: $0, probs: $1) })
        let windows: [[Int]] = [
            [0, 1, 2],  // 0.25 is exactly on the edge: inside
            [0, 1, 2],
            [0, 1, 2],  // 0.25 - 0 = 0.25, on the edge again
            [3, 4],  // the gap cuts the window
            [3, 4],
            [5],  // alone across a gap: its raw value
        ]
        for (i, members) in windows.enumerated() {
            for k in 0..<7 {
                let mean = members.map { Double(raw[$0][k]) }.reduce(0, +) / Double(members.count)
                #expect(abs(Double(smoothed[i].probs[k]) - mean) < 1e-6, "i=\(i) k=\(k)")
            }
        }
        #expect(smoothed[5].emotion == .surprise)
    }

    @Test func windowIsTimeBasedNotCountBased() throws {
        // Dense samples on one side do not widen the window there: the sample at
        // 1.0 averages exactly those in 0.6...1.4, whatever the sampling density.
        let times: [Double] = [0.5, 0.6, 0.61, 0.62, 1.0, 1.4, 1.5]
        let raw = times.map { $0 < 1 ? leaning(.happy) : leaning(.sad) }
        let smoothed = try TrackSmoother(method: .window(seconds: 0.8))
            .smooth(zip(times, raw).map { (t: $0, probs: $1) })
        let members = [1, 2, 3, 4, 5]
        for k in 0..<7 {
            let mean = members.map { Double(raw[$0][k]) }.reduce(0, +) / 5
            #expect(abs(Double(smoothed[4].probs[k]) - mean) < 1e-6)
        }
    }

    @Test(arguments: allMethods)
    func emptyTrackGivesNothing(method: SmoothingMethod) throws {
        #expect(try TrackSmoother(method: method).smooth([]).isEmpty)
    }

    @Test(arguments: allMethods)
    func singleSampleKeepsItsArgMax(method: SmoothingMethod) throws {
        let probs: [Float] = [0.1, 0.05, 0.05, 0.1, 0.5, 0.1, 0.1]
        let smoothed = try TrackSmoother(method: method).smooth([(t: 3.5, probs: probs)])
        #expect(smoothed.count == 1)
        #expect(smoothed[0].t == 3.5)
        #expect(smoothed[0].emotion == .sad)
        // Every method, hmm included (one step, uniform prior: posterior = emission), returns the input.
        for k in 0..<7 { #expect(abs(smoothed[0].probs[k] - probs[k]) < 1e-6) }
    }

    @Test func isDeterministic() throws {
        let samples = Self.irregularTimes.enumerated().map {
            (t: $0.element, probs: leaning(Emotion.allCases[$0.offset % 7], 0.4))
        }
        for method in Self.allMethods {
            let smoother = try TrackSmoother(method: method)
            #expect(try smoother.smooth(samples) == smoother.smooth(samples))
        }
    }

    @Test func rejectsAWrongProbabilityCount() throws {
        let smoother = try TrackSmoother(method: .none)
        #expect {
            try smoother.smooth([(0, leaning(.happy)), (0.1, [0.5, 0.5])])
        } throws: { ($0 as? SmoothingMethodError)?.code == .wrongProbabilityCount }
    }

    @Test func rejectsUnsortedOrNonFiniteTimes() throws {
        let smoother = try TrackSmoother(method: .ema(timeConstant: 0.5))
        #expect {
            try smoother.smooth([(0.2, leaning(.happy)), (0.1, leaning(.happy))])
        } throws: { ($0 as? SmoothingMethodError)?.code == .unsortedTimes }
        #expect {
            try smoother.smooth([(0, leaning(.happy)), (.nan, leaning(.happy))])
        } throws: { ($0 as? SmoothingMethodError)?.code == .unsortedTimes }
    }

    @Test func rejectsAnOutOfRangeMethod() {
        #expect {
            try TrackSmoother(method: .hmm(stickiness: 1))
        } throws: { ($0 as? SmoothingMethodError)?.code == .parameterOutOfRange }
    }
}
