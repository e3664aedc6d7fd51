import Foundation
import MienFace
import MienNN
import MienTestSupport

/// A reference-vector file of `Models/reference/`: inputs and the original
/// framework's outputs. The files are committed, so one that cannot be found,
/// read or decoded is an error thrown into the test, which fails: never a skip,
/// never a crash that takes the other tests down.
struct ReferenceFile {
    let path: String
    let file: SafeTensorsFile
    let raw: Data

    /// mini-Xception's reference (Keras outputs, and the FER-2013 crops of `FER2013Tests`).
    static func miniXception() throws -> ReferenceFile { try named("mini_xception_reference.safetensors") }

    /// `Models/reference/<file>`.
    /// - Throws: `FixtureError` naming the file and why it cannot be used.
    static func named(_ file: String) throws -> ReferenceFile {
        let path: String
        do { path = try ModelDirectory.locate() + "/reference/" + file } catch {
            throw FixtureError("cannot find the reference \(file): \(error)")
        }
        do {
            return ReferenceFile(path: path, file: try SafeTensorsFile(path: path),
                                 raw: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch { throw FixtureError("cannot read the reference \(path): \(error)") }
    }

    /// A float tensor as stored.
    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }

    /// An NHWC float tensor as NCHW.
    func nchw(_ name: String) throws -> Tensor {
        let t = try file.tensor(name)
        guard t.rank == 4 else { throw FixtureError("\(path): \(name) has shape \(t.shape), not NHWC") }
        let (n, h, w, c) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        var out = Tensor(shape: [n, c, h, w])
        for b in 0..<n { for y in 0..<h { for x in 0..<w { for ch in 0..<c {
            out.data[((b * c + ch) * h + y) * w + x] = t.data[((b * h + y) * w + x) * c + ch]
        } } } }
        return out
    }

    /// The bytes of a U8 tensor (SafeTensorsFile reads F32 only), read from the header's offsets.
    func bytes(_ name: String) throws -> [UInt8] { try payload(name, dtype: "U8", width: 1) }

    /// The values of an I64 tensor (little-endian).
    func int64s(_ name: String) throws -> [Int64] {
        let bytes = try payload(name, dtype: "I64", width: 8)
        return stride(from: 0, to: bytes.count, by: 8).map { i in
            Int64(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) })
        }
    }

    /// The raw bytes of tensor `name`, which must be of `dtype` (`width` bytes a value) and lie inside the file.
    private func payload(_ name: String, dtype: String, width: Int) throws -> [UInt8] {
        func bad(_ why: String) -> FixtureError { FixtureError("\(path): tensor '\(name)' \(why)") }
        guard raw.count >= 8 else { throw bad("cannot be read: the file has no header") }
        let length = raw.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(raw.count - 8) else { throw bad("cannot be read: header length \(length) past the end") }
        let start = 8 + Int(length)
        guard let header = try JSONSerialization.jsonObject(with: raw[8..<start]) as? [String: Any] else {
            throw bad("cannot be read: the header is not a JSON object")
        }
        guard let entry = header[name] as? [String: Any] else { throw bad("is missing") }
        guard entry["dtype"] as? String == dtype else { throw bad("is \(entry["dtype"] ?? "untyped"), not \(dtype)") }
        guard let offsets = entry["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1],
              offsets[1] <= raw.count - start, (offsets[1] - offsets[0]) % width == 0 else {
            throw bad("has bad data_offsets \(entry["data_offsets"] ?? "none")")
        }
        return [UInt8](raw[(start + offsets[0])..<(start + offsets[1])])
    }
}
