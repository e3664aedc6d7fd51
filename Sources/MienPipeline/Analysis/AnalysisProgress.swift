/// Receives progress of a batch of inputs (for a terminal display). Called
/// on the analysing thread; implementations should be quick.
public protocol AnalysisProgress: AnyObject {
    /// Input `index` (0-based) of `count` starts; `expectedRecords` is the
    /// probe's estimate of its records (0 when it could not be probed).
    func started(index: Int, count: Int, input: String, expectedRecords: Int)
    /// `records` of the current input are done, the latest at `time` seconds.
    func advanced(records: Int, time: Double)
    /// The current input is done (or failed), with its meta record.
    func finished(index: Int, meta: TimelineMeta)
}
