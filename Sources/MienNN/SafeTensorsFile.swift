import Foundation

/// A safetensors weight file: an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw data.
///
/// Reading is strict: `tensor(_:shape:)` fails with an error naming the file,
/// the key and both shapes when a tensor is missing or mis-shaped, and
/// `WeightLoader` reports tensors a model did not use.
public struct SafeTensorsFile: Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        let range: Range<Int>
    }

    /// The file, for messages.
    public let path: String
    /// The header's `__metadata__` strings (provenance, architecture, ...).
    public let metadata: [String: String]
    /// Every tensor in the file.
    public let entries: [String: Entry]
    private let bytes: Data
    private let dataStart: Int

    /// Reads and validates `path`.
    /// - Throws: `NNError.unreadableFile` when the file is missing or not valid safetensors.
    public init(path: String) throws(NNError) {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw NNError(.unreadableFile, "\(path): cannot read the weight file")
        }
        try self.init(bytes: bytes, path: path)
    }

    /// Parses safetensors `bytes`; `path` is used in messages.
    ///
    /// Every number in the header is checked before use: the header length
    /// against the file, each tensor's byte range against the data that
    /// follows the header, and each shape for negative sizes and element counts
    /// that overflow, so a crafted file gives an error, never a trap.
    /// - Throws: `NNError.unreadableFile` naming the file and the bad field.
    public init(bytes: Data, path: String) throws(NNError) {
        let bytes = Data(bytes)  // indices from 0, even for a slice of a larger Data
        self.path = path
        self.bytes = bytes
        guard bytes.count >= 8 else { throw NNError(.unreadableFile, "\(path): too short for a safetensors file") }
        let headerLength = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw NNError(.unreadableFile, "\(path): header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        dataStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: bytes[8..<dataStart]) as? [String: Any] else {
            throw NNError(.unreadableFile, "\(path): the header is not a JSON object")
        }
        metadata = header["__metadata__"] as? [String: String] ?? [:]
        var entries: [String: Entry] = [:]
        // In name order, so a file with several bad entries always names the same one.
        for name in header.keys.sorted() where name != "__metadata__" {
            entries[name] = try Self.entry(name, header[name]!, dataBytes: bytes.count - dataStart, dataStart: dataStart, path: path)
        }
        self.entries = entries
    }

    /// One header entry, checked: a dtype, a shape of sizes >= 0 whose product
    /// fits an `Int`, and `data_offsets` `[begin, end]` with `0 <= begin <= end <= dataBytes`.
    private static func entry(_ name: String, _ value: Any, dataBytes: Int, dataStart: Int, path: String) throws(NNError) -> Entry {
        let malformed = { (why: String) in NNError(.unreadableFile, "\(path): malformed header entry for '\(name)': \(why)") }
        guard let object = value as? [String: Any] else { throw malformed("not an object") }
        guard let dtype = object["dtype"] as? String else { throw malformed("no dtype string") }
        guard let shape = object["shape"] as? [Int] else { throw malformed("no shape (a list of integers)") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw malformed("negative size in shape \(shape)") }
        guard elementCount(shape) != nil else { throw malformed("shape \(shape) has more elements than memory can hold") }
        guard let offsets = object["data_offsets"] as? [Int], offsets.count == 2 else {
            throw malformed("no data_offsets (two integers)")
        }
        guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataBytes else {
            throw malformed("data_offsets \(offsets) are not a byte range within the \(dataBytes) bytes of data")
        }
        return Entry(dtype: dtype, shape: shape, range: (dataStart + offsets[0])..<(dataStart + offsets[1]))
    }

    /// The number of elements of `shape` (sizes >= 0), or nil when it overflows `Int`.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// The float32 tensor `name`, which must have exactly `shape`.
    /// - Throws: `NNError` naming the file and key: missing, other shape (both shown), or not F32.
    public func tensor(_ name: String, shape: [Int]) throws(NNError) -> Tensor {
        let t = try tensor(name)
        guard t.shape == shape else {
            throw NNError(.shapeMismatch, "\(path): tensor '\(name)' has shape \(t.shape), the model needs \(shape)")
        }
        return t
    }

    /// The float32 tensor `name`, whatever its shape.
    /// - Throws: `NNError` when it is missing or not F32.
    public func tensor(_ name: String) throws(NNError) -> Tensor {
        guard let entry = entries[name] else {
            throw NNError(.missingTensor, "\(path): tensor '\(name)' is missing")
        }
        guard entry.dtype == "F32" else {
            throw NNError(.unsupportedType, "\(path): tensor '\(name)' is \(entry.dtype); Mien reads F32")
        }
        // The entry's shape was checked when the header was read: sizes >= 0, a count that fits.
        let count = Self.elementCount(entry.shape) ?? -1
        guard count >= 0, count <= entry.range.count / 4, entry.range.count == count * 4 else {
            throw NNError(.unreadableFile, "\(path): tensor '\(name)' holds \(entry.range.count) bytes for shape \(entry.shape)")
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { raw in out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[entry.range])) }
        }
        return Tensor(shape: entry.shape, data: values)
    }
}

/// Reads a model's tensors from a file and checks, at the end, that it used them all.
public final class WeightLoader {
    /// The file read from.
    public let file: SafeTensorsFile
    private var used: Set<String> = []

    /// Opens `path`.
    /// - Throws: `NNError.unreadableFile`.
    public init(path: String) throws(NNError) { file = try SafeTensorsFile(path: path) }

    /// Wraps an open file.
    public init(file: SafeTensorsFile) { self.file = file }

    /// The tensor `name`, which must have `shape`; marks it used.
    public func tensor(_ name: String, shape: [Int]) throws(NNError) -> Tensor {
        used.insert(name)
        return try file.tensor(name, shape: shape)
    }

    /// The tensor `name` as a vector of `count` values; marks it used.
    public func vector(_ name: String, count: Int) throws(NNError) -> [Float] {
        try tensor(name, shape: [count]).data
    }

    /// Throws when the file holds tensors that were not read (a different model, a renamed layer).
    public func finish() throws(NNError) {
        let extra = Set(file.entries.keys).subtracting(used).sorted()
        guard extra.isEmpty else {
            throw NNError(.unexpectedTensor, "\(file.path): tensors not used by the model: \(extra.joined(separator: ", "))")
        }
    }
}
