import ArgumentParser
import Foundation
import MienFace
import MienNN

extension Mien {
    /// `mien eval`: accuracy of an emotion classifier on a labelled folder of face crops.
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accuracy, per-class precision/recall/F1 and confusion matrix of an emotion classifier on an ImageFolder.",
            discussion: """
                DATASET holds one folder per class, named angry, disgust, fear, happy, neutral, sad \
                or surprise (FER-2013's names), each with face crops (any size; they are decoded to \
                gray and resized to the classifier's input). Other folders are skipped with a warning. \
                Images that cannot be decoded are named on stderr and counted, and the evaluation goes \
                on. A missing or empty data set is an error (exit code 1).
                """
        )

        @Option(help: "The ImageFolder data set.")
        var dataset: String

        @Option(help: "Classifier name (\(ClassifierRegistry.names.joined(separator: ", "))).")
        var classifier = ClassifierRegistry.defaultName

        @Option(help: "Arithmetic: fp32 or int8.")
        var precision = Precision.fp32

        @Option(help: "Faces per classification batch.")
        var batch = 64

        @Flag(help: "Print one JSON object instead of tables.")
        var json = false

        @OptionGroup(title: "Face alignment")
        var alignment: AlignOptions

        func validate() throws {
            if batch < 1 { throw ValidationError("--batch must be at least 1.") }
        }

        func run() throws {
            let folder = try ImageFolder(path: dataset)
            for skipped in folder.skippedFolders {
                Mien.warn("warning: \(dataset)/\(skipped): not an emotion name, folder skipped")
            }
            if alignment.align || alignment.measureTemplate { return try runAlignment(folder) }
            let model = try ClassifierRegistry.load(classifier, precision: precision)
            let result = try ClassifierEvaluation.run(model, on: folder, batch: batch) { path, reason in
                Mien.warn("unreadable: \(path): \(reason)")
            }
            if !result.unreadable.isEmpty {
                Mien.warn("\(result.unreadable.count) of \(folder.items.count) images could not be read")
            }
            let report = EvalReport(classifier: model, dataset: folder, result: result)
            print(json ? report.jsonLine() : report.table(), terminator: json ? "\n" : "")
            guard result.confusion.total > 0 else {
                throw ClassifierError(.badDataset, "\(dataset): none of the \(folder.items.count) images could be read")
            }
        }

        /// `--align` or `--measure-template`: the images go through the detector first.
        func runAlignment(_ folder: ImageFolder) throws {
            let detector = try alignment.detector.load(minFaceSize: 12 * alignment.upscale)
            let items = AlignedEvaluation.subset(folder.items, count: alignment.limit)
            if alignment.measureTemplate {
                print(AlignedEvalReport.render(try TemplateMeasurement.run(items, detector: detector, upscale: alignment.upscale,
                                                                     margin: alignment.margin, fill: alignment.fillValue,
                                                                     minScore: alignment.templateMinScore)),
                      terminator: "")
                return
            }
            let aligner = alignment.aligner
            let result = try AlignedEvaluation.run(try ClassifierRegistry.load(classifier), detector: detector, aligner: aligner,
                                                   on: items, upscale: alignment.upscale, margin: alignment.margin,
                                                   fill: alignment.fillValue, batch: batch) { path, reason in
                Mien.warn("unreadable: \(path): \(reason)")
            }
            print(AlignedEvalReport.render(result, aligner: aligner, images: items.count, json: json), terminator: "")
        }
    }
}
