// libFuzzer target: bytes as a timeline (`NAME.timeline.jsonl`).
//
// Reads the records as `mien export` does, writes them back as JSON lines and
// as CSV. Any `AnalysisError` is fine; a trap is a finding.
import Foundation
import FuzzDriver
import MienPipeline

@_cdecl("FuzzTimeline_main")
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in data.map { fuzz($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let records = try? TimelineReader.records(in: Data(bytes: data, count: size), path: "fuzz.timeline.jsonl") else {
        return 0
    }
    _ = TimelineFile.data(records)
    _ = TimelineCSV.text(records)
    return 0
}
