import Foundation
import MienFace
import MienJobs
import MienMedia
import MienNN

/// `mien eval --calibrate-int8 FILE`: mini-Xception's int8 activation scales,
/// measured on a sample of an ImageFolder (FER-2013 Training), written as the
/// calibration file `QuantizedMiniXception` reads.
struct EvalCalibration {
    let dataset: ImageFolder
    let datasetPath: String
    /// Images in the sample, spread evenly over the data set.
    let count: Int
    let percentile: Double

    /// Measures the scales and writes `path`; returns a one-line summary.
    /// - Throws: `ClassifierError` when the model or too many images cannot be read, or the file cannot be written.
    func write(to path: String) throws -> String {
        let model = try MiniXception.load()
        let items = AlignedEvaluation.subset(dataset.items, count: count)
        var faces: [PixelImage] = [], names: [String] = []
        for item in items {
            do {
                faces.append(try ImageFolder.grayImage(item.path))
                names.append(String(item.path.dropFirst(datasetPath.count).drop { $0 == "/" }))
            } catch {
                throw ClassifierError(.badDataset, "\(error); the calibration sample must be read whole")
            }
        }
        var batches: [Tensor] = []
        for first in stride(from: 0, to: faces.count, by: 64) {
            batches.append(try model.preprocessing.tensor(faces: Array(faces[first..<min(faces.count, first + 64)])))
        }
        let scales = MiniXceptionCalibration.scales(model, batches: batches, percentile: percentile)
        let weights = URL(fileURLWithPath: model.weightFile)
        let file = try SafeTensorsFile(path: model.weightFile)
        let record: [String: Any] = [
            "format": QuantizedMiniXception.calibrationFormat,
            "weights": weights.lastPathComponent,
            "weights_sha256": SHA256Digest.hex([UInt8]((try? Data(contentsOf: weights)) ?? Data())),
            "weights_provenance": QuantizedMiniXception.weightsIdentity(file),
            "scheme": "uint8 activations (zero point 0 after a ReLU, 128 for signed ones), int8 weights symmetric per output "
                + "channel, int32 sums: conv2, the pointwise convolutions and the shortcuts; conv1, the depthwise convolutions, "
                + "max pools, adds and the head in float32 (QuantizedMiniXception)",
            "calibration": [
                "method": percentile == 100 ? "max" : "p\(percentile)",
                "split": URL(fileURLWithPath: datasetPath).lastPathComponent,
                "images": faces.count,
                "selection": "evenly spread over the data set in name order (mien eval --limit)",
                "names_sha256": SHA256Digest.hex(Array(names.joined(separator: "\n").utf8)),
                "command": "mien eval --dataset DIR --calibrate-int8 FILE --limit \(count) --calibration-percentile \(percentile)",
            ] as [String: Any],
            "activation_scales": scales.mapValues { Double($0) },
        ]
        let data = try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        guard FileManager.default.createFile(atPath: path, contents: data + Data("\n".utf8)) else {
            throw ClassifierError(.badDataset, "\(path): cannot write the calibration file")
        }
        return "mini-xception int8 calibration: \(faces.count) images of \(datasetPath), "
            + "\(percentile == 100 ? "max" : "p\(percentile)"), \(scales.count) scales -> \(path)"
    }
}
