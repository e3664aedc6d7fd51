import ArgumentParser
import Foundation
import MienFace
import MienNN

extension Mien {
    /// `mien eval`: accuracy of an emotion classifier on a labelled folder of face crops.
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accuracy, per-class precision/recall/F1 and confusion matrix of an emotion classifier on an ImageFolder, or two compared (--compare).",
            discussion: """
                DATASET holds one folder per class, named angry, disgust, fear, happy, neutral, sad \
                or surprise (FER-2013's names), each with face crops (any size; they are decoded to \
                gray and resized to the classifier's input). Other folders are skipped with a warning. \
                Images that cannot be decoded are named on stderr and counted, and the evaluation goes \
                on. A missing or empty data set is an error (exit code 1).

                --compare A B runs two classifier configurations, each NAME or NAME:PRECISION \
                (precision fp32, the default, or int8), on the same images and reports each accuracy \
                with a 95% percentile bootstrap interval, the difference B - A with its paired \
                interval, the 2x2 agreement table and McNemar's exact p-value. Images either \
                configuration cannot read are left out of both and counted. --compare-models DIR \
                takes B's weights from another model folder (a new export against the shipped one: \
                --compare expression-net expression-net --compare-models DIR).
                """
        )

        @Option(help: "The ImageFolder data set.")
        var dataset: String

        @Option(help: "Classifier name (\(ClassifierRegistry.names.joined(separator: ", "))); default \(ClassifierRegistry.defaultName).")
        var classifier: String?

        @Option(parsing: .upToNextOption,
                help: ArgumentHelp("Compare two configurations, A then B, each NAME or NAME:PRECISION (fp32 or int8).",
                                   valueName: "configuration"))
        var compare: [String] = []

        @Option(help: ArgumentHelp("B's model folder for --compare (default: the same as A's, Models/ or MIEN_MODELS).",
                                   valueName: "dir"))
        var compareModels: String?

        @Option(help: "Bootstrap resamples for --compare's intervals (at least 100; default 2000).")
        var bootstrap: Int?

        @Option(help: "Seed of --compare's bootstrap resampling (default 1).")
        var seed: UInt64?

        @Option(help: "Arithmetic: fp32 or int8; default fp32.")
        var precision: Precision?

        @Option(help: "Faces per classification batch.")
        var batch = 64

        @Flag(help: "Print one JSON object instead of tables.")
        var json = false

        @Option(help: ArgumentHelp("Measure mini-Xception's int8 activation scales on DATASET (FER-2013 Training; "
                                   + "--limit images, 1000 by default) and write them to FILE (Models/mini_xception.int8.json).",
                                   valueName: "FILE"))
        var calibrateInt8: String?

        @Option(help: "Percentile of each activation's absolute values that --calibrate-int8 maps to the top of its range (default 100: the largest, which measured best for mini-Xception).")
        var calibrationPercentile = 100.0

        @OptionGroup(title: "Face alignment")
        var alignment: AlignOptions

        func validate() throws {
            if batch < 1 { throw ValidationError("--batch must be at least 1.") }
            if !(calibrationPercentile > 0 && calibrationPercentile <= 100) {
                throw ValidationError("--calibration-percentile must lie in (0, 100].")
            }
            if calibrateInt8 != nil && (!compare.isEmpty || alignment.align || alignment.measureTemplate
                                        || (classifier ?? "mini-xception") != "mini-xception" || precision != nil) {
                throw ValidationError("--calibrate-int8 measures mini-Xception alone: leave out --compare, --align, --measure-template, --precision.")
            }
            guard !compare.isEmpty else {
                if bootstrap != nil || seed != nil || compareModels != nil {
                    throw ValidationError("--bootstrap, --seed and --compare-models go with --compare.")
                }
                return
            }
            if compare.count != 2 {
                throw ValidationError("--compare takes two configurations, A and B (NAME or NAME:PRECISION), "
                    + "e.g. --compare expression-net mini-xception; got \(compare.count).")
            }
            if classifier != nil || precision != nil {
                throw ValidationError("--compare names both classifiers and their precisions; leave out --classifier and --precision.")
            }
            if alignment.measureTemplate {
                throw ValidationError("--compare does not go with --measure-template.")
            }
            if let bootstrap, bootstrap < 100 { throw ValidationError("--bootstrap must be at least 100.") }
            do { _ = try configurations() } catch { throw ValidationError("--compare \(error.message)") }
        }

        /// The two `--compare` configurations, A then B.
        func configurations() throws(ClassifierError) -> [ClassifierConfiguration] {
            var parsed: [ClassifierConfiguration] = []
            for text in compare { parsed.append(try ClassifierConfiguration(parsing: text)) }
            if let compareModels, parsed.count == 2 { parsed[1].folder = compareModels }
            return parsed
        }

        func run() throws {
            let folder = try ImageFolder(path: dataset)
            for skipped in folder.skippedFolders {
                Mien.warn("warning: \(dataset)/\(skipped): not an emotion name, folder skipped")
            }
            if let calibrateInt8 {
                print(try EvalCalibration(dataset: folder, datasetPath: dataset, count: alignment.limit ?? 1000,
                                          percentile: calibrationPercentile).write(to: calibrateInt8))
                return
            }
            if !compare.isEmpty { return try runComparison(folder) }
            if alignment.align || alignment.measureTemplate { return try runAlignment(folder) }
            let name = classifier ?? ClassifierRegistry.defaultName, arithmetic = precision ?? .fp32
            let model = try ClassifierRegistry.load(name, precision: arithmetic)
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

        /// `--compare A B`: both classify every image (decoded once), and the
        /// paired statistics; with `--align`, both classify the faces the
        /// detector finds (detected once, each aligned to its classifier's crop side).
        func runComparison(_ folder: ImageFolder) throws {
            let configurations = try configurations()
            var models: [any EmotionClassifier] = []
            for configuration in configurations { models.append(try configuration.load()) }
            func warnUnreadable(_ path: String, _ reason: String) { Mien.warn("unreadable: \(path): \(reason)") }
            let results: [ClassifierEvaluation.Result], images: Int
            var aligned: EvalCompareReport.Alignment?
            if alignment.align {
                let items = AlignedEvaluation.subset(folder.items, count: alignment.limit)
                let aligners = models.map { alignment.aligner(classifierSide: $0.alignedCropSide) }
                let outcome = try AlignedComparison.run(models, aligners: aligners,
                                                        detector: try alignment.detector.load(minFaceSize: 12 * alignment.upscale),
                                                        on: items, upscale: alignment.upscale, margin: alignment.margin,
                                                        fill: alignment.fillValue, batch: batch, unreadable: warnUnreadable)
                (results, images) = (outcome.results, items.count)
                aligned = .init(detector: alignment.detector.rawValue, aligners: aligners, outcome: outcome)
            } else {
                results = try ClassifierEvaluation.run(models, on: folder, batch: batch, unreadable: warnUnreadable)
                images = folder.items.count
            }
            let pairs = PairedPredictions(results[0], results[1])
            if !pairs.excluded.isEmpty {
                Mien.warn("\(pairs.excluded.count) of \(images) images could not be read and are left out of both")
            }
            guard pairs.count > 0 else {
                let why = aligned == nil ? "could be read" : "could be read and held a face the detector found"
                throw ClassifierError(.badDataset, "\(dataset): none of the \(images) images \(why)")
            }
            let settings = PairedComparison.Bootstrap(resamples: bootstrap ?? 2000, seed: seed ?? 1)
            let comparison = PairedComparison(aCorrect: pairs.aCorrect, bCorrect: pairs.bCorrect, bootstrap: settings)
            let report = EvalCompareReport(configurations: configurations, dataset: folder, images: images, results: results,
                                           weightFiles: models.map(\.weightFile), excluded: pairs.excluded,
                                           alignment: aligned, comparison: comparison)
            print(json ? report.jsonLine() : report.text(), terminator: json ? "\n" : "")
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
            let name = classifier ?? ClassifierRegistry.defaultName, arithmetic = precision ?? .fp32
            let model = try ClassifierRegistry.load(name, precision: arithmetic)
            let aligner = alignment.aligner(classifierSide: model.alignedCropSide)
            let result = try AlignedEvaluation.run(model, detector: detector, aligner: aligner,
                                                   on: items, upscale: alignment.upscale, margin: alignment.margin,
                                                   fill: alignment.fillValue, batch: batch) { path, reason in
                Mien.warn("unreadable: \(path): \(reason)")
            }
            print(AlignedEvalReport.render(result, classifier: name, precision: arithmetic, aligner: aligner, images: items.count,
                                           json: json), terminator: "")
        }
    }
}
