import Foundation
import MienFace

/// What `mien eval --compare A B` prints: both accuracies with their bootstrap
/// intervals, the difference, the agreement table and McNemar's test, as text
/// or as one JSON object (fields in README's `mien eval` section).
struct EvalCompareReport: Encodable {
    /// How the faces were cut with `--align`: the detector, each side's
    /// aligner, the images without a face (left out of both) and the time spent.
    struct Alignment {
        let detector: String
        /// A's then B's.
        let aligners: [FaceAligner]
        /// Its undetected images and timings (its `results` are the report's).
        let outcome: AlignedComparison.Result
    }

    /// A then B.
    let configurations: [ClassifierConfiguration]
    let dataset: ImageFolder
    /// Images the comparison was run on (the data set's, or `--limit` of them with `--align`).
    let images: Int
    /// A's and B's evaluations, for their timings.
    let results: [ClassifierEvaluation.Result]
    /// The weight file each side loaded, A then B.
    let weightFiles: [String]
    /// Images left out of both because they could not be read.
    let excluded: [String]
    /// Set with `--align`.
    let alignment: Alignment?
    let comparison: PairedComparison

    /// The significance level the verdict line uses.
    static let alpha = 0.05

    enum Key: String, CodingKey {
        case dataset, images, n, excluded, a, b, difference, agreement, mcnemar, bootstrap, alignment
        case skippedFolders = "skipped_folders", decodeSeconds = "decode_seconds"
    }

    enum AlignmentKey: String, CodingKey {
        case detector, templates, sampling, undetected
        case cropSizes = "crop_sizes", detectSeconds = "detect_seconds", alignSeconds = "align_seconds"
    }

    enum SideKey: String, CodingKey {
        case configuration, name, precision, correct, accuracy, interval, models
        case weightFile = "weight_file"
        case classifySeconds = "classify_seconds"
    }

    enum DifferenceKey: String, CodingKey { case value, interval }

    enum TestKey: String, CodingKey {
        case b, c, discordant, alpha, significant
        case pValue = "p_value", log10PValue = "log10_p_value"
    }

    enum BootstrapKey: String, CodingKey { case resamples, seed, level, method }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(dataset.path, forKey: .dataset)
        try c.encode(images, forKey: .images)
        try c.encode(comparison.count, forKey: .n)
        try c.encode(excluded, forKey: .excluded)
        try c.encode(dataset.skippedFolders, forKey: .skippedFolders)
        try c.encode(results[0].decodeSeconds, forKey: .decodeSeconds)
        if let alignment {
            var a = c.nestedContainer(keyedBy: AlignmentKey.self, forKey: .alignment)
            try a.encode(alignment.detector, forKey: .detector)
            try a.encode(alignment.aligners.map(\.template.name), forKey: .templates)
            try a.encode(alignment.aligners.map(\.size), forKey: .cropSizes)
            try a.encode(alignment.aligners[0].sampling.rawValue, forKey: .sampling)
            try a.encode(alignment.outcome.undetected.count, forKey: .undetected)
            try a.encode(alignment.outcome.detectSeconds, forKey: .detectSeconds)
            try a.encode(alignment.outcome.alignSeconds, forKey: .alignSeconds)
        } else {
            try c.encodeNil(forKey: .alignment)
        }
        let sides: [(Key, Int, Double, BootstrapInterval)] = [
            (.a, comparison.table.aCorrect, comparison.accuracyA, comparison.intervalA),
            (.b, comparison.table.bCorrect, comparison.accuracyB, comparison.intervalB),
        ]
        for (i, (key, correct, accuracy, interval)) in sides.enumerated() {
            var side = c.nestedContainer(keyedBy: SideKey.self, forKey: key)
            try side.encode(configurations[i].description, forKey: .configuration)
            try side.encode(configurations[i].name, forKey: .name)
            try side.encode(configurations[i].precision, forKey: .precision)
            try side.encode(configurations[i].folder, forKey: .models)
            try side.encode(weightFiles[i], forKey: .weightFile)
            try side.encode(correct, forKey: .correct)
            try side.encode(accuracy, forKey: .accuracy)
            try side.encode([interval.lower, interval.upper], forKey: .interval)
            try side.encode(results[i].classifySeconds, forKey: .classifySeconds)
        }
        var difference = c.nestedContainer(keyedBy: DifferenceKey.self, forKey: .difference)
        try difference.encode(comparison.difference, forKey: .value)
        try difference.encode([comparison.differenceInterval.lower, comparison.differenceInterval.upper], forKey: .interval)
        try c.encode(comparison.table, forKey: .agreement)
        var test = c.nestedContainer(keyedBy: TestKey.self, forKey: .mcnemar)
        try test.encode(comparison.mcNemar.b, forKey: .b)
        try test.encode(comparison.mcNemar.c, forKey: .c)
        try test.encode(comparison.table.discordant, forKey: .discordant)
        try test.encode(comparison.mcNemar.pValue, forKey: .pValue)
        try test.encode(comparison.mcNemar.log10PValue, forKey: .log10PValue)
        try test.encode(Self.alpha, forKey: .alpha)
        try test.encode(comparison.mcNemar.isSignificant(alpha: Self.alpha), forKey: .significant)
        var bootstrap = c.nestedContainer(keyedBy: BootstrapKey.self, forKey: .bootstrap)
        try bootstrap.encode(comparison.bootstrap.resamples, forKey: .resamples)
        try bootstrap.encode(comparison.bootstrap.seed, forKey: .seed)
        try bootstrap.encode(comparison.bootstrap.level, forKey: .level)
        try bootstrap.encode("percentile", forKey: .method)
    }

    /// The report as one line of JSON (keys sorted).
    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The readable report.
    func text() -> String {
        let table = comparison.table, n = comparison.count
        let level = String(format: "%.0f%%", comparison.bootstrap.level * 100)
        func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
        func points(_ x: Double) -> String { String(format: "%+.2f", x * 100) }
        func pad(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }
        func right(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        func label(_ configuration: ClassifierConfiguration) -> String {
            configuration.description + (configuration.folder.map { " (models \($0))" } ?? "")
        }
        let a = label(configurations[0]), b = label(configurations[1])
        var out = "A \(a) against B \(b) on \(dataset.path): \(n) images"
        var leftOut: [String] = []
        if let alignment {
            let templates = Set(alignment.aligners.map { "\($0.template.name) \($0.size)x\($0.size)" }).sorted()
            out += " aligned through \(alignment.detector) (template \(templates.joined(separator: " / ")))"
            leftOut.append("\(alignment.outcome.undetected.count) without a face")
        }
        if !excluded.isEmpty { leftOut.append("\(excluded.count) unreadable") }
        out += leftOut.isEmpty ? "\n\n" : " (\(leftOut.joined(separator: ", ")), left out of both)\n\n"
        out += pad("", 8) + pad("accuracy", 11) + pad("\(level) interval", 22) + "correct\n"
        for (name, accuracy, interval, correct) in [("A", comparison.accuracyA, comparison.intervalA, table.aCorrect),
                                                    ("B", comparison.accuracyB, comparison.intervalB, table.bCorrect)] {
            out += pad(name, 8) + pad(percent(accuracy), 11)
                + pad("[\(percent(interval.lower)), \(percent(interval.upper))]", 22) + "\(correct) of \(n)\n"
        }
        let d = comparison.differenceInterval
        out += pad("B - A", 8) + pad(points(comparison.difference), 11) + "[\(points(d.lower)), \(points(d.upper))] points\n\n"
        out += pad("agreement", 12) + right("B right", 9) + right("B wrong", 9) + "\n"
        out += pad("A right", 12) + right("\(table.bothRight)", 9) + right("\(table.aRightBWrong)", 9) + "\n"
        out += pad("A wrong", 12) + right("\(table.aWrongBRight)", 9) + right("\(table.bothWrong)", 9) + "\n\n"
        out += "McNemar's exact test on the \(table.discordant) discordant images "
            + "(b = \(table.aRightBWrong), c = \(table.aWrongBRight)): p = \(Self.format(comparison.mcNemar))\n"
        out += verdict() + "\n"
        out += "(intervals: \(level) percentile bootstrap, \(comparison.bootstrap.resamples) resamples of the images, "
            + "seed \(comparison.bootstrap.seed))\n"
        if let alignment {
            out += String(format: "decode, detect and align %.2f s (detect %.2f s, align %.2f s), ", results[0].decodeSeconds,
                          alignment.outcome.detectSeconds, alignment.outcome.alignSeconds)
        } else {
            out += String(format: "decode %.2f s, ", results[0].decodeSeconds)
        }
        out += String(format: "classify A %.2f s, B %.2f s\n", results[0].classifySeconds, results[1].classifySeconds)
        return out
    }

    /// One line saying what the p-value means at `alpha`.
    func verdict() -> String {
        let alpha = String(format: "%g", Self.alpha)
        guard comparison.mcNemar.isSignificant(alpha: Self.alpha) else {
            if comparison.table.discordant == 0 {
                return "At α = \(alpha): no difference; A and B are right and wrong on exactly the same images."
            }
            return "At α = \(alpha): no significant difference; the test cannot tell A's accuracy from B's on these images."
        }
        let better = comparison.difference > 0 ? "B" : "A", worse = better == "A" ? "B" : "A"
        return "At α = \(alpha): significant; \(better) is more accurate than \(worse) on these images."
    }

    /// The p-value to 4 significant digits, or a bound where it underflows a Double.
    static func format(_ test: McNemarTest) -> String {
        let p = test.pValue
        if p >= 0.001 { return String(format: "%.4f", p) }
        if p >= 1e-300 { return String(format: "%.3e", p) }
        return "< 1e\(Int(test.log10PValue.rounded(.up)))"
    }
}
