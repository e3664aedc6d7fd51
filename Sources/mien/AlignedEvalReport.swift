import Foundation
import MienFace

/// What `mien eval --align` and `--measure-template` print.
enum AlignedEvalReport {
    /// The three accuracies of an aligned evaluation of `classifier` at `precision`, as text or one JSON object.
    static func render(_ r: AlignedEvaluation.Result, classifier: String, precision: Precision, aligner: FaceAligner,
                       images: Int, json: Bool) -> String {
        let template = aligner.template
        if json {
            let object: [String: Any] = [
                "classifier": classifier, "precision": precision.rawValue, "template": template.name, "points": template.points.map { [$0.x, $0.y] }, "crop_size": aligner.size,
                "sampling": aligner.sampling.rawValue, "images": images, "undetected": r.undetected,
                "unreadable": r.unreadable.count, "aligned_accuracy": r.aligned.accuracy,
                "plain_accuracy_on_detected": r.plainOnDetected.accuracy, "fallback_accuracy": r.withFallback.accuracy,
                "aligned_correct": r.aligned.correct, "detected": r.aligned.total, "fallback_correct": r.withFallback.correct,
                "fallback_total": r.withFallback.total, "detect_seconds": r.detectSeconds, "align_seconds": r.alignSeconds,
                "classify_seconds": r.classifySeconds,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        }
        func line(_ title: String, _ m: ConfusionMatrix) -> String {
            String(format: "%@ %.2f%% (%d of %d)\n", title, m.accuracy * 100, m.correct, m.total)
        }
        var out = "\(classifier) \(precision.rawValue), template \(template.name), \(aligner.size)x\(aligner.size), \(aligner.sampling.rawValue) sampling: "
        out += "\(images) images, \(r.undetected) without a face, \(r.unreadable.count) unreadable\n"
        out += line("aligned, images with a face:     ", r.aligned)
        out += line("plain crops, same images:        ", r.plainOnDetected)
        out += line("all images, plain where no face: ", r.withFallback)
        out += String(format: "detect %.1f s, align %.2f s, classify %.1f s\n", r.detectSeconds, r.alignSeconds, r.classifySeconds)
        return out
    }

    /// The measured template as Swift literals, with the counts.
    static func render(_ r: TemplateMeasurement.Result) -> String {
        func literal(_ t: FaceTemplate) -> String {
            t.points.map { String(format: ".init(x: %.4f, y: %.4f)", $0.x, $0.y) }.joined(separator: ", ")
        }
        var out = "\(r.images) images: \(r.samples.count) with one confident face, \(r.noFace) without a face, "
        out += "\(r.severalFaces) with several, \(r.unsure) unsure, \(r.unreadable) unreadable\n"
        out += "mean:   [\(literal(r.mean))]\n"
        out += "median: [\(literal(r.median))]\n"
        out += "spread: [" + r.spread.map { String(format: "(%.4f, %.4f)", $0.x, $0.y) }.joined(separator: ", ") + "]\n"
        return out
    }
}
