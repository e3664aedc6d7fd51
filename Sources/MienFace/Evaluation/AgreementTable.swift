/// The 2x2 table of two classifiers' outcomes on the same images: how many
/// both got right, only A, only B, and neither. McNemar's test reads the two
/// discordant cells (`aRightBWrong`, `aWrongBRight`).
public struct AgreementTable: Sendable, Equatable, Codable {
    /// Images both classifiers got right.
    public var bothRight: Int
    /// Images A got right and B got wrong (McNemar's b).
    public var aRightBWrong: Int
    /// Images A got wrong and B got right (McNemar's c).
    public var aWrongBRight: Int
    /// Images both got wrong.
    public var bothWrong: Int

    /// A table with these counts (an empty one by default).
    public init(bothRight: Int = 0, aRightBWrong: Int = 0, aWrongBRight: Int = 0, bothWrong: Int = 0) {
        self.bothRight = bothRight
        self.aRightBWrong = aRightBWrong
        self.aWrongBRight = aWrongBRight
        self.bothWrong = bothWrong
    }

    /// The table of paired outcomes: `aCorrect[i]` and `bCorrect[i]` are the two classifiers' outcomes on image `i`.
    public init(aCorrect: [Bool], bCorrect: [Bool]) {
        precondition(aCorrect.count == bCorrect.count, "one outcome per image from each classifier")
        self.init()
        for (a, b) in zip(aCorrect, bCorrect) { add(aCorrect: a, bCorrect: b) }
    }

    /// Counts one image.
    public mutating func add(aCorrect: Bool, bCorrect: Bool) {
        switch (aCorrect, bCorrect) {
        case (true, true): bothRight += 1
        case (true, false): aRightBWrong += 1
        case (false, true): aWrongBRight += 1
        case (false, false): bothWrong += 1
        }
    }

    /// Images counted.
    public var total: Int { bothRight + aRightBWrong + aWrongBRight + bothWrong }
    /// Images A got right.
    public var aCorrect: Int { bothRight + aRightBWrong }
    /// Images B got right.
    public var bCorrect: Int { bothRight + aWrongBRight }
    /// Images the two disagree on (one right, one wrong).
    public var discordant: Int { aRightBWrong + aWrongBRight }

    enum CodingKeys: String, CodingKey {
        case bothRight = "both_right", aRightBWrong = "a_right_b_wrong", aWrongBRight = "a_wrong_b_right", bothWrong = "both_wrong"
    }
}
