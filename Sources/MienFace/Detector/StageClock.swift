import Foundation

/// Time spent in each stage of the cascade, for `DetectorBenchmark`.
struct StageClock {
    /// The parts the detector's time is split into.
    enum Stage: Int, CaseIterable {
        /// Integral image, pyramid levels (area resize + normalisation).
        case resize
        /// P-Net on every level.
        case pnet
        /// Cell boxes, suppression, regression of the P-Net stage.
        case proposals
        /// Cropping and resizing the R-Net inputs.
        case rnetCrops
        /// R-Net.
        case rnet
        /// Threshold, suppression, regression after R-Net.
        case rnetBoxes
        /// Cropping and resizing the O-Net inputs.
        case onetCrops
        /// O-Net.
        case onet
        /// Threshold, landmarks, regression, suppression, ordering after O-Net.
        case onetBoxes
    }

    let enabled: Bool
    /// Seconds per stage, indexed by `Stage.rawValue`.
    private(set) var seconds = [Double](repeating: 0, count: Stage.allCases.count)
    private var last: UInt64 = 0

    init(enabled: Bool) { self.enabled = enabled }

    /// Starts timing from now.
    mutating func start() {
        if enabled { last = DispatchTime.now().uptimeNanoseconds }
    }

    /// Adds the time since the last call to `stage`.
    mutating func lap(_ stage: Stage) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        seconds[stage.rawValue] += Double(now - last) / 1e9
        last = now
    }

    /// The seconds spent in `stage`.
    subscript(stage: Stage) -> Double { seconds[stage.rawValue] }
}
