import Foundation
import MienFace

/// What `mien eval` prints: the scores as a table, or as one JSON object.
struct EvalReport: Encodable {
    let classifier: any EmotionClassifier
    let dataset: ImageFolder
    let result: ClassifierEvaluation.Result

    enum Key: String, CodingKey {
        case classifier, dataset, n, accuracy, correct, labels, confusion, params, macs, unreadable
        case perClass = "per_class", macroF1 = "macro_f1", weightBytes = "weight_bytes", weightFile = "weight_file"
        case skippedFolders = "skipped_folders", inputSize = "input_size", preprocessing
        case decodeSeconds = "decode_seconds", classifySeconds = "classify_seconds", facesPerSecond = "faces_per_second"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let confusion = result.confusion
        try c.encode(classifier.name, forKey: .classifier)
        try c.encode(dataset.path, forKey: .dataset)
        try c.encode(confusion.total, forKey: .n)
        try c.encode(confusion.correct, forKey: .correct)
        try c.encode(confusion.accuracy, forKey: .accuracy)
        try c.encode(confusion.macroF1, forKey: .macroF1)
        try c.encode(Dictionary(uniqueKeysWithValues: Emotion.allCases.map { ($0.rawValue, confusion.scores($0)) }), forKey: .perClass)
        try c.encode(Emotion.allCases.map(\.rawValue), forKey: .labels)
        try c.encode(confusion.counts, forKey: .confusion)
        try c.encode(classifier.parameterCount, forKey: .params)
        try c.encode(classifier.multiplyAdds, forKey: .macs)
        try c.encode(classifier.weightFileBytes, forKey: .weightBytes)
        try c.encode(classifier.weightFile, forKey: .weightFile)
        try c.encode([classifier.preprocessing.width, classifier.preprocessing.height], forKey: .inputSize)
        try c.encode(classifier.preprocessing.formula, forKey: .preprocessing)
        try c.encode(result.unreadable.map(\.path), forKey: .unreadable)
        try c.encode(dataset.skippedFolders, forKey: .skippedFolders)
        try c.encode(result.decodeSeconds, forKey: .decodeSeconds)
        try c.encode(result.classifySeconds, forKey: .classifySeconds)
        try c.encode(result.classifySeconds > 0 ? Double(confusion.total) / result.classifySeconds : 0, forKey: .facesPerSecond)
    }

    /// The report as one line of JSON (keys sorted).
    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The readable report: summary, per-class scores, confusion matrix (rows true, columns predicted).
    func table() -> String {
        let m = result.confusion
        let names = Emotion.allCases.map(\.rawValue)
        func cell(_ s: String, _ width: Int = 9) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var out = "\(classifier.name) on \(dataset.path): \(m.total) images"
        out += result.unreadable.isEmpty ? "\n" : " (\(result.unreadable.count) unreadable, left out)\n"
        out += String(format: "accuracy %.2f%% (%d of %d), macro F1 %.4f\n\n", m.accuracy * 100, m.correct, m.total, m.macroF1)
        out += "class".padding(toLength: 10, withPad: " ", startingAt: 0) + cell("precision") + cell("recall") + cell("F1") + cell("support") + "\n"
        for emotion in Emotion.allCases {
            let s = m.scores(emotion)
            out += emotion.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                + cell(String(format: "%.4f", s.precision)) + cell(String(format: "%.4f", s.recall))
                + cell(String(format: "%.4f", s.f1)) + cell("\(s.support)") + "\n"
        }
        out += "\nconfusion (rows: true class, columns: predicted)\n" + String(repeating: " ", count: 10)
            + names.map { cell($0) }.joined() + "\n"
        for (i, row) in m.counts.enumerated() {
            out += names[i].padding(toLength: 10, withPad: " ", startingAt: 0) + row.map { cell("\($0)") }.joined() + "\n"
        }
        out += "\nparameters \(classifier.parameterCount), multiply-adds per face \(classifier.multiplyAdds), "
            + "weights \(classifier.weightFileBytes) bytes\n"
        if result.classifySeconds > 0 {
            out += String(format: "decode %.2f s, classify %.2f s (%.0f faces/s)\n", result.decodeSeconds, result.classifySeconds,
                          Double(m.total) / result.classifySeconds)
        }
        return out
    }
}
