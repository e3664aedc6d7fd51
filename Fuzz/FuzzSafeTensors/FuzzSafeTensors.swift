// libFuzzer target: bytes as a safetensors weight file.
//
// Parses the header, then reads every tensor as the model loaders do. Any
// `NNError` is fine; a trap or a memory error is a finding.
import Foundation
import FuzzDriver
import MienNN

@_cdecl("FuzzSafeTensors_main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let file = try? SafeTensorsFile(bytes: Data(bytes: data, count: size), path: "fuzz.safetensors") else { return 0 }
    let loader = WeightLoader(file: file)
    for (name, entry) in file.entries.sorted(by: { $0.key < $1.key }) {
        _ = try? file.tensor(name)
        _ = try? loader.tensor(name, shape: entry.shape)
    }
    _ = try? loader.finish()
    return 0
}
