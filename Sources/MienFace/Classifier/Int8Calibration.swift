import Foundation
import MienNN

/// An int8 form's calibration file: the activation scales and the weight file
/// they belong to. `Models/expression_net.int8.json` (expression-net's, by
/// `Models/quantize_expression_net.py`; format `mien-expression-net-int8`) and
/// `Models/mini_xception.int8.json` (mini-Xception's, by `mien eval
/// --calibrate-int8`; format `mien-mini-xception-int8`).
public struct Int8Calibration: Decodable, Sendable, Equatable {
    /// expression-net's file name in the model folder.
    public static let fileName = "expression_net.int8.json"

    /// `mien-expression-net-int8` or `mien-mini-xception-int8`.
    public var format: String
    /// The float32 weight file the scales were calibrated for.
    public var weights: String
    /// That file's sha256 (lowercase hex), for the record.
    public var weightsSHA256: String
    /// That file's `provenance` metadata: Mien refuses scales made for other weights.
    public var weightsProvenance: String
    /// The calibration method and sample, for the record.
    public var calibration: [String: AnyScalar]
    /// Scale of each quantized activation: `stem`, `blockK.mid`, `blockK.out`.
    public var activationScales: [String: Float]

    enum CodingKeys: String, CodingKey {
        case format, weights, calibration
        case weightsSHA256 = "weights_sha256"
        case weightsProvenance = "weights_provenance"
        case activationScales = "activation_scales"
    }

    /// A JSON scalar, as the calibration record holds them.
    public enum AnyScalar: Decodable, Sendable, Equatable, CustomStringConvertible {
        case text(String), number(Double)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
        }

        public var description: String {
            switch self {
            case .text(let s): s
            case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
            }
        }
    }

    /// Reads and checks the file at `path`, whose `format` must be `format`.
    /// - Throws: `NNError` naming the file and what is wrong.
    public static func load(path: String, format: String = "mien-expression-net-int8") throws(NNError) -> Int8Calibration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NNError(.unreadableFile, "\(path): cannot read the int8 calibration")
        }
        let value: Int8Calibration
        do { value = try JSONDecoder().decode(Int8Calibration.self, from: data) } catch {
            throw NNError(.unreadableFile, "\(path): not an int8 calibration file: \(error)")
        }
        guard value.format == format else {
            throw NNError(.unreadableFile, "\(path): format '\(value.format)' is not \(format)")
        }
        return value
    }

    /// The scale named `name`.
    /// - Throws: `NNError` when it is missing or not a positive finite number.
    public func scale(_ name: String, file: String) throws(NNError) -> Float {
        guard let s = activationScales[name], s.isFinite, s > 0 else {
            throw NNError(.unreadableFile, "\(file): activation scale '\(name)' is missing or not a positive number")
        }
        return s
    }
}
