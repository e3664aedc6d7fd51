import ArgumentParser
import MienFace

/// `mien eval`'s options for the detect-and-align path and for measuring a face template.
struct AlignOptions: ParsableArguments {
    @Flag(help: "Enlarge each image, find the face with the detector and classify the aligned crop (FaceAligner).")
    var align = false

    @Flag(help: "Print where the detector puts the five landmarks in the data set's crops (mean and median, as Swift), then stop.")
    var measureTemplate = false

    @Option(help: "Face detector for --align and --measure-template (\(DetectorKind.names)).")
    var detector: DetectorKind = .default

    @Option(help: "--measure-template counts images with one face scoring at least this (default: 0.95 for mtcnn, 0.8 for yunet, whose scores for clear faces lie about 0.85-0.95).")
    var minScore: Double?

    /// The score a face needs to count in --measure-template.
    var templateMinScore: Double { minScore ?? (detector == .mtcnn ? 0.95 : 0.8) }

    @Option(help: "Face template for --align (\(FaceTemplate.named.keys.sorted().joined(separator: ", "))); default: the one measured for the detector (fer2013-yunet, fer2013).")
    var template: String?

    @Option(help: "Scale the template about its centroid by this factor (above 1: tighter crop).")
    var templateScale = 1.0

    @Option(help: "Move the template down by this many crop heights (negative: up).")
    var templateShift = 0.0

    @Option(help: "Aligned crop resampling (\(FaceAligner.Sampling.allCases.map(\.rawValue).joined(separator: ", "))).")
    var sampling = FaceAligner.Sampling.supersampled.rawValue

    @Option(help: "Side of the aligned crop in pixels (default: the classifier's input side, 48 for expression-net, 64 for mini-xception).")
    var cropSize: Int?

    @Option(help: "Enlargement of each image before detection.")
    var upscale = 3

    @Option(help: "Margin added around each enlarged image before detection, as a fraction of its side.")
    var margin = 0.25

    @Option(help: "Gray value of that margin, or 'edge' for the image's border replicated.")
    var fill = "0"

    @Option(help: "Use only this many images, spread evenly over the data set.")
    var limit: Int?

    func validate() throws {
        if let template, FaceTemplate.named[template] == nil { throw ValidationError("--template: unknown template '\(template)'.") }
        if FaceAligner.Sampling(rawValue: sampling) == nil { throw ValidationError("--sampling: unknown sampling '\(sampling)'.") }
        if !(templateScale > 0 && templateScale.isFinite) { throw ValidationError("--template-scale must be positive.") }
        if !templateShift.isFinite { throw ValidationError("--template-shift must be a number.") }
        if (cropSize ?? 1) < 1 || upscale < 1 { throw ValidationError("--crop-size and --upscale must be at least 1.") }
        if fill != "edge" && UInt8(fill) == nil { throw ValidationError("--fill must be 0...255 or 'edge'.") }
        if !(margin >= 0 && margin <= 4) { throw ValidationError("--margin must lie in 0...4.") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
        if align && measureTemplate { throw ValidationError("--align and --measure-template cannot be combined.") }
    }

    /// The margin's gray value, nil for the border replicated.
    var fillValue: UInt8? { UInt8(fill) }

    /// The aligner the options describe, cutting `classifierSide` crops unless `--crop-size` says otherwise.
    func aligner(classifierSide: Int) -> FaceAligner {
        var face = template.flatMap { FaceTemplate.named[$0] } ?? FaceTemplate.fer2013(for: detector)
        if templateScale != 1 { face = face.scaled(by: templateScale) }
        if templateShift != 0 { face = face.shifted(dy: templateShift) }
        return FaceAligner(template: face, size: cropSize ?? classifierSide, sampling: FaceAligner.Sampling(rawValue: sampling)!)
    }
}
