// libFuzzer target: bytes as a safetensors weight file.
//
// Parses the header, then reads every tensor as the model loaders do. Any
// `NNError` is fine; a trap or a memory error is a finding.
//
// Each input is tried twice: as it is, and with its 8-byte header length set
// to the length of the JSON that follows (up to the first NUL byte, which the
// float data of every seed starts with). Most mutations of the header text
// change its length; without the second form nearly all of them would stop at
// the length check, and the JSON behind it would hardly be fuzzed.
import Foundation
import FuzzDriver
import MienNN

@_cdecl("FuzzSafeTensors_main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    load(bytes)
    if bytes.count >= 8 {
        let rest = bytes.dropFirst(8)
        let header = rest.prefix { $0 != 0 }
        var length = UInt64(header.count).littleEndian
        var fixed = Data(bytes: &length, count: 8)
        fixed.append(rest)
        load(fixed)
    }
    return 0
}

private func load(_ bytes: Data) {
    guard let file = try? SafeTensorsFile(bytes: bytes, path: "fuzz.safetensors") else { return }
    let loader = WeightLoader(file: file)
    for (name, entry) in file.entries.sorted(by: { $0.key < $1.key }) {
        _ = try? file.tensor(name)
        _ = try? loader.tensor(name, shape: entry.shape)
    }
    _ = try? loader.finish()
}
