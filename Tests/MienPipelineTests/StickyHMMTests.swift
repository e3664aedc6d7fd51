import MienFace
import Testing

@testable import MienPipeline

@Suite struct StickyHMMTests {
    /// Tiny problems where enumerating every path is cheap: (states, steps, stickiness, seed).
    static let tinyProblems: [(Int, Int, Double, UInt64)] = [
        (3, 6, 0.8, 1), (3, 5, 0.95, 2), (7, 4, 0.95, 3), (7, 4, 0.5, 4), (7, 4, 0.99, 5),
        (7, 3, 0.9, 6), (2, 9, 0.99, 7), (7, 1, 0.9, 8), (1, 4, 0.9, 9), (3, 6, 0.2, 10),
    ]

    @Test(arguments: tinyProblems)
    func viterbiMatchesEnumeratingEveryPath(problem: (Int, Int, Double, UInt64)) {
        let (states, steps, stickiness, seed) = problem
        let model = StickyHMM(stateCount: states, stickiness: stickiness)
        let probabilities = SeededRandom.probabilityRows(count: steps, width: states, seed: seed)
        #expect(model.viterbi(probabilities) == model.referenceViterbi(probabilities))
    }

    @Test(arguments: tinyProblems)
    func posteriorsMatchEnumeratingEveryPath(problem: (Int, Int, Double, UInt64)) {
        let (states, steps, stickiness, seed) = problem
        let model = StickyHMM(stateCount: states, stickiness: stickiness)
        let probabilities = SeededRandom.probabilityRows(count: steps, width: states, seed: seed)
        let fast = model.posteriors(probabilities)
        let reference = model.referencePosteriors(probabilities)
        #expect(fast.count == steps)
        for t in 0..<steps {
            for k in 0..<states {
                #expect(abs(fast[t][k] - reference[t][k]) < 1e-9, "t=\(t) k=\(k)")
            }
            #expect(abs(fast[t].reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test func hardZerosAreClampedNotFatal() {
        // A zero for the true state must not make every path impossible.
        let model = StickyHMM(stateCount: 3, stickiness: 0.9)
        let probabilities: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]]
        let posteriors = model.posteriors(probabilities)
        for row in posteriors {
            #expect(row.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(abs(row.reduce(0, +) - 1) < 1e-12)
        }
        #expect(model.viterbi(probabilities) == model.referenceViterbi(probabilities))
    }

    @Test func longSequencesStayFinite() {
        // 20,000 steps: probabilities in linear space would underflow long before.
        let model = StickyHMM(stateCount: 7, stickiness: 0.99)
        let probabilities = SeededRandom.probabilityRows(count: 20_000, width: 7, seed: 42)
        let posteriors = model.posteriors(probabilities)
        #expect(posteriors.allSatisfy { row in row.allSatisfy(\.isFinite) && abs(row.reduce(0, +) - 1) < 1e-9 })
        #expect(model.viterbi(probabilities).count == 20_000)
    }

    @Test func emptyInputGivesEmptyOutput() {
        let model = StickyHMM(stateCount: 7, stickiness: 0.95)
        #expect(model.viterbi([]).isEmpty)
        #expect(model.posteriors([]).isEmpty)
        #expect(model.referenceViterbi([]).isEmpty)
    }

    @Test func oneFrameFlickerIsRemoved() throws {
        let labels: [Emotion] = [.happy, .happy, .sad, .happy, .happy]
        let smoothed = try TrackSmoother(method: .hmm(stickiness: 0.95))
            .smooth(labels.enumerated().map { (t: Double($0.offset) / 30, probs: leaning($0.element)) })
        #expect(smoothed.map(\.emotion) == [.happy, .happy, .happy, .happy, .happy])
        // The posterior of the flicker frame leans to happy too.
        #expect(smoothed[2].probs[Emotion.happy.index] > smoothed[2].probs[Emotion.sad.index])
    }

    @Test func longChangeIsKept() throws {
        let labels: [Emotion] = Array(repeating: .happy, count: 5) + Array(repeating: .sad, count: 5)
        let smoothed = try TrackSmoother(method: .hmm(stickiness: 0.95))
            .smooth(labels.enumerated().map { (t: Double($0.offset) / 30, probs: leaning($0.element)) })
        #expect(smoothed.map(\.emotion) == labels)
    }

    @Test func smootherReportsTheViterbiPath() throws {
        // The smoothed emotion is the best *sequence*; probs are the per-step marginals.
        let model = StickyHMM(stateCount: 7, stickiness: 0.95)
        let rows = [Emotion.happy, .happy, .sad, .happy].map { leaning($0).map(Double.init) }
        let smoothed = try TrackSmoother(method: .hmm(stickiness: 0.95))
            .smooth(rows.enumerated().map { (t: Double($0.offset), probs: $0.element.map(Float.init)) })
        #expect(smoothed.map(\.emotionIndex) == model.viterbi(rows))
    }
}

/// `p` on `emotion`, the rest spread evenly over the other six.
func leaning(_ emotion: Emotion, _ p: Float = 0.7) -> [Float] {
    Emotion.allCases.map { $0 == emotion ? p : (1 - p) / 6 }
}

extension SeededRandom {
    /// `count` rows of `width` non-negative values summing to one, some exactly zero.
    static func probabilityRows(count: Int, width: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let raw = (0..<width).map { _ -> Double in
                let u = Double.random(in: 0..<1, using: &generator)
                return u < 0.1 ? 0 : u * u * u
            }
            let total = raw.reduce(0, +)
            return total > 0 ? raw.map { $0 / total } : raw.map { _ in 1 / Double(width) }
        }
    }
}
