import Foundation
import Testing

@testable import MienFace
import MienNN

@Suite("Paired comparison of two classifiers")
struct PairedComparisonTests {
    /// Outcomes of A and B on images whose cells (0 both right, 1 only A, 2 only B, 3 both wrong) are `cells`.
    static func outcomes(_ cells: [Int]) -> (a: [Bool], b: [Bool]) {
        (cells.map { $0 <= 1 }, cells.map { $0 == 0 || $0 == 2 })
    }

    @Test func agreementTableOfAKnownSet() {
        // 10 images: both right 4, only A 3, only B 1, both wrong 2.
        let (a, b) = Self.outcomes([0, 1, 3, 0, 2, 1, 0, 3, 1, 0])
        let comparison = PairedComparison(aCorrect: a, bCorrect: b, bootstrap: .init(resamples: 200))
        #expect(comparison.table == AgreementTable(bothRight: 4, aRightBWrong: 3, aWrongBRight: 1, bothWrong: 2))
        #expect(comparison.count == 10 && comparison.table.discordant == 4)
        #expect(comparison.accuracyA == 0.7 && comparison.accuracyB == 0.5)
        #expect(abs(comparison.difference - -0.2) < 1e-15)
        #expect(comparison.mcNemar.b == 3 && comparison.mcNemar.c == 1)
        #expect(abs(comparison.mcNemar.pValue - 0.625) < 1e-15)   // 2 (1 + 4) / 16
    }

    /// The resampling written out independently in Python (SplitMix64, Lemire's
    /// bounded draw, `numpy.percentile`) gives these ends for 37 resamples, seed
    /// 2026, of 23 images whose cells are `(i*i + 3*i) % 7` mapped as below.
    @Test func bootstrapMatchesAnIndependentReference() {
        let cells = (0..<23).map { i in
            let k = (i * i + 3 * i) % 7
            return k <= 1 ? 0 : k <= 3 ? 1 : k == 4 ? 2 : 3
        }
        let (a, b) = Self.outcomes(cells)
        let comparison = PairedComparison(aCorrect: a, bCorrect: b, bootstrap: .init(resamples: 37, seed: 2026))
        let expected: [(BootstrapInterval, Double, Double)] = [
            (comparison.intervalA, 0.16956521739130434, 0.5652173913043478),
            (comparison.intervalB, 0.3869565217391305, 0.7869565217391306),
            (comparison.differenceInterval, -0.004347826086956521, 0.43913043478260877),
        ]
        for (interval, lower, upper) in expected {
            #expect(abs(interval.lower - lower) < 1e-12 && abs(interval.upper - upper) < 1e-12, "\(interval)")
        }
    }

    @Test func bootstrapIsReproducibleAndContainsTheAccuracy() {
        var generator = SplitMix64(seed: 99)
        let cells = (0..<1000).map { _ in [0, 0, 0, 0, 0, 0, 1, 2, 3, 3][generator.index(below: 10)] }
        let (a, b) = Self.outcomes(cells)
        let first = PairedComparison(aCorrect: a, bCorrect: b, bootstrap: .init(resamples: 500, seed: 5))
        let again = PairedComparison(aCorrect: a, bCorrect: b, bootstrap: .init(resamples: 500, seed: 5))
        let other = PairedComparison(aCorrect: a, bCorrect: b, bootstrap: .init(resamples: 500, seed: 6))
        #expect(first.intervalA == again.intervalA && first.intervalB == again.intervalB
                && first.differenceInterval == again.differenceInterval)
        #expect(first.intervalA != other.intervalA || first.differenceInterval != other.differenceInterval)
        #expect(first.intervalA.contains(first.accuracyA) && first.intervalB.contains(first.accuracyB))
        #expect(first.differenceInterval.contains(first.difference))
        // About 1.96 standard errors each side: sqrt(0.7 * 0.3 / 1000) = 0.0145, so about 0.057 wide.
        let width = first.intervalA.upper - first.intervalA.lower
        #expect(width > 0.04 && width < 0.075, "width \(width)")
        // A paired difference varies less than either accuracy when the two mostly agree.
        #expect(first.differenceInterval.upper - first.differenceInterval.lower < width)
    }

    @Test func identicalOutcomesGiveAPointInterval() {
        let (a, _) = Self.outcomes([0, 3, 0, 0, 3, 0, 0])
        let comparison = PairedComparison(aCorrect: a, bCorrect: a, bootstrap: .init(resamples: 100))
        #expect(comparison.differenceInterval == BootstrapInterval(lower: 0, upper: 0, level: 0.95))
        #expect(comparison.mcNemar.pValue == 1)
        let perfect = PairedComparison(aCorrect: [true, true], bCorrect: [true, true], bootstrap: .init(resamples: 100))
        #expect(perfect.intervalA.lower == 1 && perfect.intervalA.upper == 1)
    }

    @Test func percentileInterpolatesLikeNumPy() {
        // numpy.percentile([5, 1, 4, 2, 3, 10, 7, 6, 9, 8], [2.5, 97.5]) == [1.225, 9.775]
        let interval = BootstrapInterval(percentilesOf: [5, 1, 4, 2, 3, 10, 7, 6, 9, 8])
        #expect(abs(interval.lower - 1.225) < 1e-12 && abs(interval.upper - 9.775) < 1e-12)
        #expect(BootstrapInterval(percentilesOf: [0.3]) == BootstrapInterval(lower: 0.3, upper: 0.3, level: 0.95))
    }

    /// The reference SplitMix64 (Vigna's splitmix64.c) from seed 0, and bounded draws.
    @Test func generatorMatchesTheReference() {
        var zero = SplitMix64(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var one = SplitMix64(seed: 1)
        #expect((0..<8).map { _ in one.index(below: 10) } == [5, 7, 9, 4, 4, 7, 8, 5])
    }

    @Test func predictionsArePairedByImageAndUnreadableOnesLeftOut() {
        func result(_ entries: [(String, Emotion)], unreadable: [String]) -> ClassifierEvaluation.Result {
            var result = ClassifierEvaluation.Result()
            result.predictions = entries.map { .init(path: $0.0, truth: .happy, predicted: $0.1) }
            result.unreadable = unreadable.map { ($0, "cannot decode") }
            return result
        }
        let a = result([("1", .happy), ("2", .sad), ("3", .happy), ("4", .happy)], unreadable: ["5"])
        let b = result([("4", .sad), ("2", .happy), ("1", .happy), ("6", .happy)], unreadable: ["3", "5"])
        let pairs = PairedPredictions(a, b)
        #expect(pairs.a.map(\.path) == ["1", "2", "4"] && pairs.b.map(\.path) == ["1", "2", "4"])
        #expect(pairs.aCorrect == [true, false, true] && pairs.bCorrect == [true, true, false])
        #expect(pairs.excluded == ["3", "5", "6"])
    }
}
