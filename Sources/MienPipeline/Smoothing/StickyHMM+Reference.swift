import Foundation

/// The plain reference for `StickyHMM`: enumerate every one of the n^T state
/// paths, score each as
/// `log π(s_0) + log b_0(s_0) + Σ_{t≥1} [log A(s_{t-1}, s_t) + log b_t(s_t)]`,
/// and read the answers straight off the list. Exponential in T, so only for
/// tests on tiny sequences (e.g. 7 states × 4 steps = 2,401 paths); the
/// dynamic-programming versions must agree with it.
extension StickyHMM {
    /// Upper bound on paths the reference will enumerate.
    static let referencePathLimit = 1_000_000

    /// Calls `body` with every state path of length `steps` (lexicographic
    /// order: state 0 varies slowest) and its log score.
    func forEachPath(_ probabilities: [[Double]], _ body: ([Int], Double) -> Void) {
        let steps = probabilities.count
        guard steps > 0 else { return }
        let n = stateCount
        let pathCount = (0..<steps).reduce(1) { count, _ in count * n }
        precondition(pathCount <= Self.referencePathLimit, "reference HMM: \(pathCount) paths is too many")
        let emission = logEmissions(probabilities)  // [T, n]
        var path = [Int](repeating: 0, count: steps)
        for index in 0..<pathCount {
            // Digits of `index` in base n, most significant first, are the path.
            var rest = index
            for t in stride(from: steps - 1, through: 0, by: -1) {
                path[t] = rest % n
                rest /= n
            }
            var score = logInitial + emission[0][path[0]]
            for t in 1..<steps {
                score += logTransition(from: path[t - 1], to: path[t]) + emission[t][path[t]]
            }
            body(path, score)
        }
    }

    /// Reference Viterbi: the highest-scoring path, the first in
    /// lexicographic order on exact ties. Empty input gives `[]`.
    func referenceViterbi(_ probabilities: [[Double]]) -> [Int] {
        var best: [Int] = []
        var bestScore = -Double.infinity
        forEachPath(probabilities) { path, score in
            if best.isEmpty || score > bestScore {
                best = path
                bestScore = score
            }
        }
        return best
    }

    /// Reference posteriors: `P(s_t = k | obs)` as the sum of `exp(score)` over
    /// the paths through `(t, k)`, divided by the sum over all paths.
    func referencePosteriors(_ probabilities: [[Double]]) -> [[Double]] {
        let steps = probabilities.count
        guard steps > 0 else { return [] }
        // Shift by the best score so the exponentials cannot underflow to all zero.
        var top = -Double.infinity
        forEachPath(probabilities) { _, score in top = max(top, score) }
        var mass = [[Double]](repeating: [Double](repeating: 0, count: stateCount), count: steps)
        var total = 0.0
        forEachPath(probabilities) { path, score in
            let weight = exp(score - top)
            total += weight
            for t in 0..<steps { mass[t][path[t]] += weight }
        }
        return mass.map { row in row.map { $0 / total } }
    }
}
