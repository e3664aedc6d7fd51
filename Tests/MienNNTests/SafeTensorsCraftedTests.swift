import Foundation
import Testing

@testable import MienNN

/// Crafted safetensors headers: every number in them (header length, data
/// offsets, shape sizes) at the values that break arithmetic must give an
/// `NNError` naming the file, never a trap.
@Suite("Crafted safetensors headers give clear errors, never a trap")
struct SafeTensorsCraftedTests {
    /// A file with one tensor "w" whose header entry is `entry` (JSON), followed by `data` bytes.
    static func file(entry: String, data: Int = 16) -> Data {
        let header = #"{"w":"# + entry + "}"
        var bytes = Data()
        var length = UInt64(header.utf8.count).littleEndian
        bytes.append(Data(bytes: &length, count: 8))
        bytes.append(Data(header.utf8))
        bytes.append(Data(repeating: 0, count: data))
        return bytes
    }

    static let edges = ["0", "1", "65535", "2147483647", "2147483648", "4294967295", "9223372036854775807",
                        "9223372036854775808", "18446744073709551615", "-1", "-9223372036854775808", "1e300", "1.5"]

    /// Reads every tensor of `bytes`: an `NNError` naming the file, or tensors that match their shapes.
    static func load(_ bytes: Data) -> NNError? {
        do {
            let file = try SafeTensorsFile(bytes: bytes, path: "crafted.safetensors")
            for name in file.entries.keys {
                let tensor = try file.tensor(name)
                #expect(tensor.count == tensor.shape.reduce(1, *))
            }
            return nil
        } catch {
            #expect(error.message.hasPrefix("crafted.safetensors: "), "\(error)")
            return error
        }
    }

    @Test(arguments: edges)
    func dataOffsetEnd(value: String) {
        // The end offset plus the header's length overflowed Int for 2^63 - 1.
        let error = Self.load(Self.file(entry: #"{"dtype":"F32","shape":[4],"data_offsets":[0,"# + value + "]}"))
        #expect(error != nil, "end offset \(value) accepted")
    }

    @Test(arguments: edges)
    func dataOffsetBegin(value: String) {
        let error = Self.load(Self.file(entry: #"{"dtype":"F32","shape":[0],"data_offsets":["# + value + ",16]}"))
        #expect(error != nil, "begin offset \(value) accepted")
    }

    @Test(arguments: edges, edges)
    func shapeSizes(first: String, second: String) {
        // Element counts that overflow Int (2^32 - 1 squared is fine, 2^63 - 1 times 2 is not) or negative
        // sizes; no pair of these gives the 4 elements the 16 bytes hold.
        let error = Self.load(Self.file(entry: #"{"dtype":"F32","shape":["# + first + "," + second + #"],"data_offsets":[0,16]}"#))
        #expect(error != nil, "shape [\(first), \(second)] accepted")
    }

    @Test func overflowingShapeIsNamed() {
        let error = Self.load(Self.file(entry: #"{"dtype":"F32","shape":[9223372036854775807,2],"data_offsets":[0,16]}"#))
        #expect(error?.message == "crafted.safetensors: malformed header entry for 'w': shape [9223372036854775807, 2] has more elements than memory can hold")
        let negative = Self.load(Self.file(entry: #"{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}"#))
        #expect(negative?.message.contains("negative size in shape [-1, -4]") == true, "\(String(describing: negative))")
    }

    @Test func countTimesFourOverflowIsAMismatchNotATrap() {
        // 2^61 elements: the count fits Int, four bytes each does not.
        let error = Self.load(Self.file(entry: #"{"dtype":"F32","shape":[2305843009213693952],"data_offsets":[0,16]}"#))
        #expect(error?.code == .unreadableFile)
        #expect(error?.message.contains("holds 16 bytes") == true, "\(String(describing: error))")
    }

    @Test(arguments: [UInt64(0), 1, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt64(Int64.max), UInt64(Int64.max) + 1, .max])
    func headerLength(value: UInt64) {
        var bytes = Self.file(entry: #"{"dtype":"F32","shape":[4],"data_offsets":[0,16]}"#)
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        #expect(Self.load(bytes) != nil)
    }

    @Test func aSliceOfLargerDataReadsTheSame() throws {
        // Data slices keep their parent's indices; the loader must not assume they start at 0.
        let whole = Data([1, 2, 3]) + Self.file(entry: #"{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}"#)
        let file = try SafeTensorsFile(bytes: whole[3...], path: "slice.safetensors")
        #expect(try file.tensor("w", shape: [2, 2]).data == [0, 0, 0, 0])
    }

    // MARK: - What the fuzz target found

    /// `Fuzz/Seeds/safetensors`, the fuzz target's committed seeds.
    static let seedFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Seeds/safetensors").path

    /// `bytes` as `FuzzSafeTensors` tries it second: the header length set to the JSON's (up to the first NUL).
    static func withHeaderLengthFixed(_ bytes: Data) -> Data {
        let rest = bytes.dropFirst(8)
        var length = UInt64(rest.prefix { $0 != 0 }.count).littleEndian
        return Data(bytes: &length, count: 8) + rest
    }

    /// Inputs `FuzzSafeTensors` found trapping the loader before the checks
    /// above (run against the code before them): a shape whose element count
    /// overflows `Int`, a negative size that `Tensor` refused with a
    /// precondition, and a size of -2^63 whose byte count (count * 4) overflowed.
    @Test(arguments: [
        ("crash-shape-product-overflow",
         "malformed header entry for 'conv.2147conv.weight': shape [3, 9223372036854775807, 1, 3, 3] has more elements than memory can hold"),
        ("crash-negative-dimension", "malformed header entry for 'empty': negative size in shape [0, -14]"),
        ("crash-byte-count-overflow", "malformed header entry for 'scalar': negative size in shape [-9223372036854775808]"),
    ])
    func fuzzerFindingsAreErrors(name: String, message: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.seedFolder + "/\(name).safetensors"))
        _ = Self.load(bytes)
        #expect(Self.load(Self.withHeaderLengthFixed(bytes))?.message == "crafted.safetensors: " + message)
    }

    @Test func everySeedLoadsOrGivesAnError() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.seedFolder).filter { $0.hasSuffix(".safetensors") }
        #expect(names.count >= 6)
        for name in names {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.seedFolder + "/" + name))
            _ = Self.load(bytes)
            _ = Self.load(Self.withHeaderLengthFixed(bytes))
            if !name.hasPrefix("crash-") { #expect(throws: Never.self, "\(name)") { try SafeTensorsFile(bytes: bytes, path: name) } }
        }
    }
}
