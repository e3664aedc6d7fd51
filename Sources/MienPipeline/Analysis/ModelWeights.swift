import Foundation
import MienFace

/// The model files an analysis reads, each with a digest of its bytes.
///
/// A job records them when it is submitted (`JobSettings.weights`), for two
/// reasons. The same inputs and settings analysed with other weights (Mien
/// upgraded, a model retrained or replaced in `MIEN_MODELS`) are a new job,
/// not a finished one to resume: a rerun gave the old model's timelines back.
/// And a worker whose files differ (another Mien version in the cluster)
/// refuses the job's shards instead of mixing two models in one timeline.
public struct ModelWeights: Sendable, Hashable {
    /// The model folder the files were read in.
    public let folder: String
    /// Each file's digest (`fnv1a64:` and 16 hex digits of its bytes), by file name in the folder.
    public let digests: [String: String]

    /// The digests of the files that `settings`' detector and classifier (in
    /// its precision) read.
    /// - Parameter directory: the model folder; nil finds it (`ModelDirectory.locate()`).
    /// - Throws: `AnalysisError.modelUnavailable` naming the file and the cause.
    public init(settings: AnalysisSettings, directory: String? = nil) throws(AnalysisError) {
        do {
            let folder = try directory ?? ModelDirectory.locate()
            let names = settings.detector.fileNames
                + (try ClassifierRegistry.files(settings.classifier, precision: settings.resolvedPrecision))
            var digests: [String: String] = [:]
            for name in names { digests[name] = try Self.digest(of: folder + "/" + name) }
            (self.folder, self.digests) = (folder, digests)
        } catch let error as AnalysisError {
            throw error
        } catch {
            throw AnalysisError(.modelUnavailable, "cannot read the model files: \(error)")
        }
    }

    /// What differs from `expected` (a job's digests), a phrase per file,
    /// in file-name order; empty when the files are the same.
    public func differences(from expected: [String: String]) -> [String] {
        Set(expected.keys).union(digests.keys).sorted().compactMap { name in
            switch (expected[name], digests[name]) {
            case let (wanted?, here?) where wanted != here: "\(name) is \(here) here, \(wanted) in the job"
            case (_?, nil): "\(name) is not read here"
            case (nil, _?): "\(name) is read here, not by the job"
            default: nil
            }
        }
    }

    /// `fnv1a64:` and the FNV-1a 64 of the file's bytes in 16 hex digits.
    /// - Throws: `AnalysisError.modelUnavailable` naming the file when it cannot be read.
    static func digest(of path: String) throws(AnalysisError) -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw AnalysisError(.modelUnavailable, "\(path): cannot read the model file: \(error.localizedDescription)")
        }
        return "fnv1a64:" + StableHash.hex(data.withUnsafeBytes { StableHash.fnv1a(bytes: $0) }, digits: 16)
    }
}
