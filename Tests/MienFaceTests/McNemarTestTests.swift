import Foundation
import Testing

@testable import MienFace

@Suite("McNemar's exact test")
struct McNemarTestTests {
    /// Reference p-values: exact rational arithmetic in Python,
    /// `min(1, 2 * Fraction(sum(math.comb(n, k) for k in range(min(b, c) + 1)), 2**n))`
    /// rounded to a Double; `scipy.stats.binomtest(b, b + c, 0.5).pvalue` (SciPy 1.17.1,
    /// Debian's python3-scipy) gives the same to 4e-14 relative (it sums in floating point).
    static let references: [(b: Int, c: Int, p: Double)] = [
        (0, 5, 0.0625), (0, 6, 0.03125), (1, 9, 0.021484375), (10, 4, 0.1795654296875),
        (25, 10, 0.01667384780012071), (100, 130, 0.055613577781392386), (600, 540, 0.08051743870793851),
        (455, 193, 2.503110992138614e-25), (1500, 1700, 0.00043334035939975035), (1000, 200, 2.903822293015329e-128),
        (4000, 4100, 0.2713310871439329),
    ]

    @Test(arguments: references)
    func matchesExactReference(_ reference: (b: Int, c: Int, p: Double)) {
        let test = McNemarTest(b: reference.b, c: reference.c)
        let relative = abs(test.pValue - reference.p) / reference.p
        #expect(relative <= 1e-13, "b \(reference.b), c \(reference.c): p \(test.pValue), expected \(reference.p)")
    }

    /// Every b, c up to 30 against the binomial sum in integers (exact; the sums stay below 2^61).
    @Test func matchesIntegerSumForSmallCounts() {
        func choose(_ n: Int, _ k: Int) -> UInt64 {
            var value: UInt64 = 1
            for i in stride(from: 0, to: k, by: 1) { value = value * UInt64(n - i) / UInt64(i + 1) }
            return value
        }
        for b in 0...30 {
            for c in 0...30 where b + c > 0 {
                let n = b + c
                let tail = (0...min(b, c)).reduce(UInt64(0)) { $0 + choose(n, $1) }
                let exact = min(1, 2 * Double(tail) / pow(2, Double(n)))
                let p = McNemarTest(b: b, c: c).pValue
                #expect(abs(p - exact) <= 1e-13 * exact, "b \(b), c \(c): \(p), exact \(exact)")
            }
        }
    }

    @Test func isSymmetricInTheTwoDiscordantCells() {
        for (b, c) in [(3, 11), (0, 7), (600, 540), (455, 193)] {
            #expect(McNemarTest(b: b, c: c).log10PValue == McNemarTest(b: c, c: b).log10PValue, "\(b), \(c)")
        }
    }

    @Test func degenerateCases() {
        let none = McNemarTest(b: 0, c: 0)
        #expect(none.pValue == 1 && !none.isSignificant())
        #expect(McNemarTest(b: 1, c: 0).pValue == 1)
        #expect(McNemarTest(b: 250, c: 250).pValue == 1)
        // All discordant images one way: p = 2 / 2^n (to a rounding or two: it goes through its log).
        #expect(abs(McNemarTest(b: 0, c: 10).pValue - 2.0 / 1024) <= 1e-15 * (2.0 / 1024))
        #expect(McNemarTest(b: 0, c: 10).isSignificant() && !McNemarTest(b: 0, c: 5).isSignificant())
    }

    /// b + c in the thousands: nothing overflows; where the p-value itself is
    /// below a Double's range, its log10 is still exact: log10(2 / 2^3000).
    @Test func largeCountsStayFinite() {
        let test = McNemarTest(b: 3000, c: 0)
        #expect(test.pValue == 0)
        #expect(abs(test.log10PValue - -902.7889569962796) <= 1e-9)
        #expect(McNemarTest(AgreementTable(bothRight: 10, aRightBWrong: 600, aWrongBRight: 540, bothWrong: 3)).b == 600)
    }
}
