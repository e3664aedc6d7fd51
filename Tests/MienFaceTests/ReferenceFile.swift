import Foundation
import MienFace
import MienNN

/// A reference-vector file of `Models/reference/`: inputs and the original
/// framework's outputs (`shared`: mini-Xception's, from Keras).
struct ReferenceFile {
    let path: String
    let file: SafeTensorsFile
    let raw: Data

    static let shared = named("mini_xception_reference.safetensors")

    /// `Models/reference/<file>`; stops the tests when it cannot be read (it is committed).
    static func named(_ file: String) -> ReferenceFile {
        do {
            let path = try ModelDirectory.locate() + "/reference/" + file
            return ReferenceFile(path: path, file: try SafeTensorsFile(path: path),
                                 raw: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch { fatalError("cannot read the reference \(file): \(error)") }
    }

    /// A float tensor as stored.
    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }

    /// An NHWC float tensor as NCHW.
    func nchw(_ name: String) throws -> Tensor {
        let t = try file.tensor(name)
        let (n, h, w, c) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        var out = Tensor(shape: [n, c, h, w])
        for b in 0..<n { for y in 0..<h { for x in 0..<w { for ch in 0..<c {
            out.data[((b * c + ch) * h + y) * w + x] = t.data[((b * h + y) * w + x) * c + ch]
        } } } }
        return out
    }

    /// The bytes of a U8 tensor (SafeTensorsFile reads F32 only), read from the header's offsets.
    func bytes(_ name: String) throws -> [UInt8] {
        let headerLength = Int(raw.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try JSONSerialization.jsonObject(with: raw[8..<(8 + headerLength)]) as! [String: Any]
        let entry = header[name] as! [String: Any]
        precondition(entry["dtype"] as? String == "U8", "\(name) is not U8")
        let offsets = entry["data_offsets"] as! [Int]
        return [UInt8](raw[(8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1])])
    }
}
