// libFuzzer target: bytes as a job file (`--job FILE`, YAML or JSON).
//
// Parses and validates the job as `mien analyze --job` does, then encodes its
// settings as `meta.json` holds them. Any `AnalysisError` is fine; a trap is a finding.
import Foundation
import FuzzDriver
import MienPipeline

@_cdecl("FuzzJob_main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let job = try? JobSpecification.parse(Data(bytes: data, count: size), path: "fuzz.yaml") else { return 0 }
    _ = try? JSONEncoder().encode(job.analysis)
    _ = job.analysis.sampling
    return 0
}
