import Foundation
import MienFace

/// Smooths one face track's emotion probabilities over time with a
/// `SmoothingMethod`.
///
/// Input: the track's samples `(t, probs)` in time order, `t` in seconds
/// (irregular spacing and gaps allowed; equal times allowed), `probs` one
/// value per emotion in `Emotion.allCases` order. Output: one
/// `SmoothedSample` per input sample, same order and times.
///
/// Each input vector is first cleaned: a negative or non-finite entry counts
/// as 0, then the vector is divided by its sum (all-zero becomes uniform).
/// All arithmetic is in `Double`; the result is normalised once more before
/// it is rounded to `Float`. The smoothed emotion is the arg-max of the
/// smoothed probabilities (lowest index on ties), except for `hmm`, where it
/// is the Viterbi state. The same input always gives the same output.
public struct TrackSmoother: Sendable, Hashable {
    /// The method applied.
    public let method: SmoothingMethod

    /// Tolerance, in seconds, on `window`'s edges, so that samples exactly
    /// `seconds / 2` away in decimal time (0.1 + 0.05 ...) are inside.
    public static let windowEdgeTolerance = 1e-9

    /// Creates a smoother.
    ///
    /// - Throws: `SmoothingMethodError` with code `.parameterOutOfRange` when
    ///   the method's parameter is outside its range (see
    ///   `SmoothingMethod.validate()`).
    public init(method: SmoothingMethod) throws(SmoothingMethodError) {
        try method.validate()
        self.method = method
    }

    /// Smooths one track.
    ///
    /// - Parameter samples: `(t, probs)` sorted by `t` (non-decreasing), each
    ///   `probs` with `Emotion.allCases.count` entries. Empty gives empty.
    /// - Returns: one smoothed sample per input sample, in the same order.
    /// - Throws: `SmoothingMethodError` with code `.wrongProbabilityCount` when a
    ///   vector has the wrong length, or `.unsortedTimes` when a time is not
    ///   finite or is earlier than the one before.
    public func smooth(_ samples: [(t: Double, probs: [Float])]) throws(SmoothingMethodError) -> [SmoothedSample] {
        let classCount = Emotion.allCases.count
        var times: [Double] = []
        var probabilities: [[Double]] = []  // [T, 7], cleaned and normalised
        times.reserveCapacity(samples.count)
        probabilities.reserveCapacity(samples.count)
        for (index, sample) in samples.enumerated() {
            guard sample.probs.count == classCount else {
                throw SmoothingMethodError(
                    code: .wrongProbabilityCount, text: "sample \(index) at t=\(sample.t)",
                    message: "smoothing: sample \(index) at t=\(sample.t) has \(sample.probs.count) "
                        + "probabilities, expected \(classCount) (\(Emotion.allCases.map(\.rawValue)))")
            }
            guard sample.t.isFinite, index == 0 || sample.t >= times[index - 1] else {
                throw SmoothingMethodError(
                    code: .unsortedTimes, text: "sample \(index) at t=\(sample.t)",
                    message: "smoothing: sample \(index) has t=\(sample.t), which is not finite or is "
                        + "earlier than the sample before; sort the track by time first")
            }
            times.append(sample.t)
            probabilities.append(Self.normalised(sample.probs.map(Double.init)))
        }

        let smoothed: [[Double]]
        var states: [Int]?
        switch method {
        case .none:
            smoothed = probabilities
        case .ema(let tau):
            smoothed = Self.exponentialMovingAverage(times: times, probabilities: probabilities, timeConstant: tau)
        case .window(let seconds):
            smoothed = Self.centredWindowMean(times: times, probabilities: probabilities, seconds: seconds)
        case .hmm(let stickiness):
            let model = StickyHMM(stateCount: classCount, stickiness: stickiness)
            smoothed = model.posteriors(probabilities)
            states = model.viterbi(probabilities)
        }

        return smoothed.indices.map { i in
            let row = Self.normalised(smoothed[i])
            return SmoothedSample(
                t: times[i],
                emotionIndex: states?[i] ?? StickyHMM.argMax(row),
                probs: row.map(Float.init))
        }
    }

    /// `s_0 = p_0`; `s_i = w s_{i-1} + (1 - w) p_i` with `w = exp(-(t_i - t_{i-1}) / tau)`.
    static func exponentialMovingAverage(
        times: [Double], probabilities: [[Double]], timeConstant tau: Double
    ) -> [[Double]] {
        guard var state = probabilities.first else { return [] }
        var result = [state]
        result.reserveCapacity(probabilities.count)
        for i in probabilities.indices.dropFirst() {
            let keep = exp(-(times[i] - times[i - 1]) / tau)
            for k in state.indices {
                state[k] = keep * state[k] + (1 - keep) * probabilities[i][k]
            }
            result.append(state)
        }
        return result
    }

    /// Mean of the vectors of all samples within `seconds / 2` (plus
    /// `windowEdgeTolerance`) of each sample's time. Both window edges only
    /// move forward as `i` grows, so the scan is linear plus the window sums.
    static func centredWindowMean(times: [Double], probabilities: [[Double]], seconds: Double) -> [[Double]] {
        let half = seconds / 2 + windowEdgeTolerance
        var first = 0  // first index inside the window of i
        var last = 0  // last index inside the window of i
        return times.indices.map { i in
            while times[first] < times[i] - half { first += 1 }
            if last < i { last = i }
            while last + 1 < times.count, times[last + 1] <= times[i] + half { last += 1 }
            var sum = [Double](repeating: 0, count: probabilities[i].count)
            for j in first...last {
                for k in sum.indices { sum[k] += probabilities[j][k] }
            }
            let count = Double(last - first + 1)
            return sum.map { $0 / count }
        }
    }

    /// The vector with negative and non-finite entries set to 0, divided by
    /// its sum; uniform when nothing positive is left.
    static func normalised(_ values: [Double]) -> [Double] {
        let cleaned = values.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let total = cleaned.reduce(0, +)
        guard total > 0, total.isFinite else {
            return [Double](repeating: 1 / Double(values.count), count: values.count)
        }
        return cleaned.map { $0 / total }
    }
}
