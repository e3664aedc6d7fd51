import MienNN

/// Two classifiers compared on the same images (`mien eval --compare A B`):
/// each one's accuracy with a percentile bootstrap interval, the difference
/// B - A with its paired interval, the 2x2 agreement table and McNemar's exact
/// test.
///
/// The bootstrap resamples images (with replacement, as many as there are)
/// and keeps each image's pair of outcomes together, so the interval of the
/// difference accounts for the two classifiers erring on the same images.
/// A fixed seed (`SplitMix64`) makes every interval reproducible.
public struct PairedComparison: Sendable {
    /// How the intervals are drawn.
    public struct Bootstrap: Sendable, Equatable {
        /// Number of resamples.
        public var resamples: Int
        /// Seed of the generator that draws them.
        public var seed: UInt64
        /// Confidence level of the intervals.
        public var level: Double

        /// Settings for `resamples` resamples (at least 1) from `seed` at `level` (in (0, 1)).
        public init(resamples: Int = 2000, seed: UInt64 = 1, level: Double = 0.95) {
            self.resamples = resamples
            self.seed = seed
            self.level = level
        }
    }

    /// The outcomes on every image both classifiers read.
    public let table: AgreementTable
    /// McNemar's exact test on the table's discordant cells.
    public let mcNemar: McNemarTest
    /// The bootstrap settings used.
    public let bootstrap: Bootstrap
    /// A's accuracy and its interval.
    public let intervalA: BootstrapInterval
    /// B's accuracy and its interval.
    public let intervalB: BootstrapInterval
    /// The interval of B's accuracy minus A's, from the same resamples.
    public let differenceInterval: BootstrapInterval

    /// Compares paired outcomes: `aCorrect[i]` and `bCorrect[i]` say whether A
    /// and B got image `i` right (the same number of images, at least one).
    public init(aCorrect: [Bool], bCorrect: [Bool], bootstrap: Bootstrap = Bootstrap()) {
        precondition(!aCorrect.isEmpty, "no image to compare on")
        precondition(bootstrap.resamples > 0, "at least one resample")
        let table = AgreementTable(aCorrect: aCorrect, bCorrect: bCorrect)
        self.table = table
        self.bootstrap = bootstrap
        mcNemar = McNemarTest(table)
        // Each image's cell: 0 both right, 1 only A right, 2 only B right, 3 both wrong.
        let cells = zip(aCorrect, bCorrect).map(Self.cell)
        var generator = SplitMix64(seed: bootstrap.seed)
        let n = cells.count
        var accuraciesA: [Double] = [], accuraciesB: [Double] = [], differences: [Double] = []
        accuraciesA.reserveCapacity(bootstrap.resamples)
        accuraciesB.reserveCapacity(bootstrap.resamples)
        differences.reserveCapacity(bootstrap.resamples)
        for _ in 0..<bootstrap.resamples {
            var counts = (0, 0, 0, 0)
            for _ in 0..<n {
                switch cells[generator.index(below: n)] {
                case 0: counts.0 += 1
                case 1: counts.1 += 1
                case 2: counts.2 += 1
                default: counts.3 += 1
                }
            }
            accuraciesA.append(Double(counts.0 + counts.1) / Double(n))
            accuraciesB.append(Double(counts.0 + counts.2) / Double(n))
            differences.append(Double(counts.2 - counts.1) / Double(n))
        }
        intervalA = BootstrapInterval(percentilesOf: accuraciesA, level: bootstrap.level)
        intervalB = BootstrapInterval(percentilesOf: accuraciesB, level: bootstrap.level)
        differenceInterval = BootstrapInterval(percentilesOf: differences, level: bootstrap.level)
    }

    /// Images compared.
    public var count: Int { table.total }
    /// A's accuracy on the compared images.
    public var accuracyA: Double { Double(table.aCorrect) / Double(table.total) }
    /// B's accuracy on the compared images.
    public var accuracyB: Double { Double(table.bCorrect) / Double(table.total) }
    /// B's accuracy minus A's.
    public var difference: Double { Double(table.aWrongBRight - table.aRightBWrong) / Double(table.total) }

    private static func cell(_ a: Bool, _ b: Bool) -> UInt8 {
        switch (a, b) {
        case (true, true): 0
        case (true, false): 1
        case (false, true): 2
        case (false, false): 3
        }
    }
}
