import Foundation
import Testing

@testable import MienNN

@Suite("safetensors loading is strict")
struct SafeTensorsTests {
    /// A safetensors file with tensors "a" [2, 3] and "b" [4].
    static func sample() -> Data {
        let header = #"{"__metadata__":{"source":"test"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"F32","shape":[4],"data_offsets":[24,40]}}"#
        var data = Data()
        var length = UInt64(header.utf8.count).littleEndian
        data.append(Data(bytes: &length, count: 8))
        data.append(Data(header.utf8))
        var values: [Float] = (0..<10).map(Float.init)
        data.append(Data(bytes: &values, count: 40))
        return data
    }

    @Test func readsTensorsAndMetadata() throws {
        let file = try SafeTensorsFile(bytes: Self.sample(), path: "sample.safetensors")
        #expect(file.metadata["source"] == "test")
        #expect(try file.tensor("a", shape: [2, 3]).data == [0, 1, 2, 3, 4, 5])
        #expect(try file.tensor("b").data == [6, 7, 8, 9])
    }

    @Test func missingAndMisshapedTensorsNameKeyAndShapes() throws {
        let file = try SafeTensorsFile(bytes: Self.sample(), path: "sample.safetensors")
        #expect(throws: NNError(.missingTensor, "sample.safetensors: tensor 'c' is missing")) { try file.tensor("c", shape: [1]) }
        #expect(throws: NNError(.shapeMismatch, "sample.safetensors: tensor 'a' has shape [2, 3], the model needs [3, 2]")) {
            try file.tensor("a", shape: [3, 2])
        }
    }

    @Test func unusedTensorsAreReported() throws {
        let loader = WeightLoader(file: try SafeTensorsFile(bytes: Self.sample(), path: "sample.safetensors"))
        _ = try loader.tensor("a", shape: [2, 3])
        #expect(throws: NNError.self) { try loader.finish() }
        _ = try loader.vector("b", count: 4)
        try loader.finish()
    }

    @Test func corruptFilesAreErrors() {
        #expect(throws: NNError.self) { try SafeTensorsFile(bytes: Data([1, 2, 3]), path: "x") }
        var broken = Self.sample()
        broken[0] = 0xFF  // header length past the end
        #expect(throws: NNError.self) { try SafeTensorsFile(bytes: broken, path: "x") }
        #expect(throws: NNError.self) { try SafeTensorsFile(path: "/nonexistent/file.safetensors") }
    }
}
