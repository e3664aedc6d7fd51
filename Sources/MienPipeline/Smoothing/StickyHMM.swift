import Foundation

/// A hidden Markov model over `stateCount` classes with a "sticky" transition
/// matrix, decoded from per-step class probabilities.
///
/// Model (all in natural-log space inside):
/// - initial distribution: uniform, `π_k = 1 / n`;
/// - transition: `A[j][k] = stickiness` when `j == k`, else
///   `(1 - stickiness) / (n - 1)`;
/// - emission: the observed probabilities as scaled likelihoods,
///   `b_t(k) = max(p_t[k], emissionFloor)`. Any per-step constant factor in
///   `b_t` cancels in both the Viterbi arg-max and the posteriors, so the
///   probabilities need not sum to one exactly.
///
/// `viterbi(_:)` and `posteriors(_:)` are the dynamic-programming versions,
/// O(T·n²); `StickyHMM+Reference.swift` holds the plain enumeration over all
/// n^T paths that the tests compare them with.
public struct StickyHMM: Sendable, Hashable {
    /// Number of hidden states (seven for the FER-2013 emotions).
    public let stateCount: Int
    /// Probability of staying in the same state from one step to the next.
    public let stickiness: Double

    /// Smallest emission likelihood: a zero probability is clamped to this, so
    /// a single hard zero cannot forbid a state and every log stays finite.
    public static let emissionFloor = 1e-6

    /// Creates the model.
    ///
    /// - Precondition: `stateCount >= 1` and `0 < stickiness <= 1`.
    public init(stateCount: Int, stickiness: Double) {
        precondition(stateCount >= 1, "an HMM needs at least one state")
        precondition(stickiness > 0 && stickiness <= 1, "stickiness must be in (0, 1]")
        self.stateCount = stateCount
        self.stickiness = stickiness
    }

    /// `log π_k`, the same for every state.
    var logInitial: Double { -log(Double(stateCount)) }

    /// `log A[from][to]`; `-infinity` for a move when stickiness is 1.
    func logTransition(from: Int, to: Int) -> Double {
        if from == to { return log(stickiness) }
        return log((1 - stickiness) / Double(stateCount - 1))
    }

    /// The full `[n, n]` log transition matrix, row = from, column = to.
    var logTransitionMatrix: [[Double]] {
        (0..<stateCount).map { j in (0..<stateCount).map { k in logTransition(from: j, to: k) } }
    }

    /// `[T][n]` probabilities -> `[T][n]` log emission likelihoods, floored.
    func logEmissions(_ probabilities: [[Double]]) -> [[Double]] {
        probabilities.map { row in
            precondition(row.count == stateCount, "expected \(stateCount) probabilities, got \(row.count)")
            return row.map { p in log(max(p.isFinite ? p : 0, Self.emissionFloor)) }
        }
    }

    /// The most likely state sequence given `[T][n]` per-step probabilities.
    ///
    /// Ties between equally likely predecessors or final states go to the lowest
    /// state index, so the result is deterministic. Empty input gives `[]`.
    public func viterbi(_ probabilities: [[Double]]) -> [Int] {
        let steps = probabilities.count
        guard steps > 0 else { return [] }
        let n = stateCount
        let emission = logEmissions(probabilities)  // [T, n]
        let logA = logTransitionMatrix  // [n, n]

        // delta[k]: best log score of any path ending in k at the current step.
        var delta = emission[0].map { logInitial + $0 }
        // backPointer[t][k]: best predecessor of state k at step t (t >= 1).
        var backPointer = [[Int]](repeating: [Int](repeating: 0, count: n), count: steps)
        var next = [Double](repeating: 0, count: n)
        for t in 1..<steps {
            for k in 0..<n {
                var best = -Double.infinity
                var bestFrom = 0
                for j in 0..<n {
                    let score = delta[j] + logA[j][k]
                    if score > best {
                        best = score
                        bestFrom = j
                    }
                }
                next[k] = best + emission[t][k]
                backPointer[t][k] = bestFrom
            }
            swap(&delta, &next)
        }

        var state = Self.argMax(delta)
        var path = [Int](repeating: 0, count: steps)
        path[steps - 1] = state
        for t in stride(from: steps - 1, to: 0, by: -1) {
            state = backPointer[t][state]
            path[t - 1] = state
        }
        return path
    }

    /// Forward-backward posteriors `P(state_t = k | all steps)` for `[T][n]`
    /// per-step probabilities; each row sums to one. Empty input gives `[]`.
    public func posteriors(_ probabilities: [[Double]]) -> [[Double]] {
        let steps = probabilities.count
        guard steps > 0 else { return [] }
        let n = stateCount
        let emission = logEmissions(probabilities)  // [T, n]
        let logA = logTransitionMatrix  // [n, n]
        var terms = [Double](repeating: 0, count: n)

        // logAlpha[t][k] = log P(obs_0...obs_t, state_t = k)
        var logAlpha = [[Double]](repeating: [Double](repeating: 0, count: n), count: steps)
        logAlpha[0] = emission[0].map { logInitial + $0 }
        for t in 1..<steps {
            for k in 0..<n {
                for j in 0..<n { terms[j] = logAlpha[t - 1][j] + logA[j][k] }
                logAlpha[t][k] = Self.logSumExp(terms) + emission[t][k]
            }
        }

        // logBeta[t][j] = log P(obs_t+1...obs_T-1 | state_t = j); zero at the end.
        var logBeta = [[Double]](repeating: [Double](repeating: 0, count: n), count: steps)
        for t in stride(from: steps - 2, through: 0, by: -1) {
            for j in 0..<n {
                for k in 0..<n { terms[k] = logA[j][k] + emission[t + 1][k] + logBeta[t + 1][k] }
                logBeta[t][j] = Self.logSumExp(terms)
            }
        }

        // gamma[t][k] = alpha * beta / sum over k, normalised per step.
        return (0..<steps).map { t in
            let joint = (0..<n).map { logAlpha[t][$0] + logBeta[t][$0] }
            let total = Self.logSumExp(joint)
            return joint.map { exp($0 - total) }
        }
    }

    /// `log(sum(exp(values)))` without overflow; `-infinity` when all are.
    static func logSumExp(_ values: [Double]) -> Double {
        let top = values.max() ?? -.infinity
        guard top.isFinite else { return top }
        var sum = 0.0
        for value in values { sum += exp(value - top) }
        return top + log(sum)
    }

    /// Index of the largest value; the lowest index on ties.
    static func argMax(_ values: [Double]) -> Int {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
