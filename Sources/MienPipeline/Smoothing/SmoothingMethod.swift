/// How a face track's per-sample emotion probabilities are smoothed over time.
///
/// Smoothing runs at collect time, once per stitched track, on the series of
/// `(t, probs)` samples in time order. The raw probabilities are always kept
/// beside the smoothed ones, so the choice here never loses information.
///
/// Every method is defined on **time**, not on sample count: timestamps may be
/// irregular (variable frame rate, gaps where the face was not found), and the
/// same video must smooth the same way however it was sampled. The one
/// exception is `hmm`, whose transition matrix applies per step (see there).
///
/// The value is `Codable` so a job file and a timeline's `meta.json` can record
/// it; the synthesized form is `{"ema":{"timeConstant":0.5}}`,
/// `{"window":{"seconds":1}}`, `{"hmm":{"stickiness":0.95}}`, `{"none":{}}`.
/// For command lines use `init(parsing:)` and `description` (`"ema:0.5"`).
public enum SmoothingMethod: Sendable, Hashable, Codable {
    /// No smoothing: the smoothed probabilities are the raw ones (renormalised)
    /// and the smoothed emotion is their arg-max.
    case none

    /// Time-aware exponential moving average.
    ///
    /// With `s_0 = p_0` and, for each later sample,
    /// `w_i = exp(-(t_i - t_{i-1}) / timeConstant)`,
    /// `s_i = w_i * s_{i-1} + (1 - w_i) * p_i`.
    /// The previous state fades by how much *time* passed, so a gap of two frame
    /// intervals weighs exactly like two steps of one interval with equal input.
    /// Causal (looks only backward): the output lags changes by about
    /// `timeConstant` seconds. A sample with the same `t` as the one before
    /// has `w = 1` and is ignored. Emotion: arg-max of `s_i`.
    ///
    /// - Parameter timeConstant: `tau` in seconds, > 0. Default
    ///   `SmoothingMethod.defaultTimeConstant` (0.5 s).
    case ema(timeConstant: Double)

    /// Centred moving average over a time window.
    ///
    /// The smoothed vector at sample `i` is the plain (unweighted) mean of the
    /// raw vectors of every sample `j` with `|t_j - t_i| <= seconds / 2`
    /// (a 1e-9 s tolerance absorbs rounding in decimal timestamps). Sample `i`
    /// is always in its own window, so a sample alone across a gap keeps its
    /// raw value. Non-causal; symmetric in time. Emotion: arg-max of the mean.
    ///
    /// With `seconds` 0 only samples at the very same time are averaged.
    ///
    /// - Parameter seconds: full window width in seconds, >= 0. Default
    ///   `SmoothingMethod.defaultWindowSeconds` (1.0 s).
    case window(seconds: Double)

    /// Sticky hidden Markov model over the seven emotions.
    ///
    /// Hidden state: the true emotion. Initial distribution: uniform.
    /// Transition per sample step: stay with probability `stickiness`, move to
    /// each of the six others with `(1 - stickiness) / 6`. Emission: the
    /// classifier's probabilities used as scaled likelihoods,
    /// `P(obs_t | state k) ∝ max(p_t[k], 1e-6)` (a uniform class prior makes the
    /// posterior proportional to the likelihood). The smoothed emotion is the
    /// Viterbi (most likely) state sequence; the smoothed probabilities are the
    /// forward-backward posteriors `P(state_t = k | all observations)`. Both are
    /// computed in log space.
    ///
    /// Not time-aware: the transition applies once per sample whatever the gap,
    /// so a long gap is no more likely to hold a change than one frame interval.
    ///
    /// - Parameter stickiness: probability of staying, in (0, 1); 0.9 to 0.99
    ///   is the useful range. Default `SmoothingMethod.defaultStickiness` (0.95).
    case hmm(stickiness: Double)

    /// Default `ema` time constant, in seconds.
    public static let defaultTimeConstant = 0.5
    /// Default `window` width, in seconds.
    public static let defaultWindowSeconds = 1.0
    /// Default `hmm` probability of staying in the same emotion per step.
    public static let defaultStickiness = 0.95

    /// The method's name as written on a command line: `none`, `ema`, `window`, `hmm`.
    public var name: String {
        switch self {
        case .none: "none"
        case .ema: "ema"
        case .window: "window"
        case .hmm: "hmm"
        }
    }

    /// The method's one parameter, or nil for `none`.
    public var parameter: Double? {
        switch self {
        case .none: nil
        case .ema(let tau): tau
        case .window(let seconds): seconds
        case .hmm(let stickiness): stickiness
        }
    }

    /// Checks the parameter's range.
    ///
    /// - Throws: `SmoothingMethodError` with code `.parameterOutOfRange` when
    ///   `ema`'s time constant is not > 0, `window`'s width is not >= 0, or
    ///   `hmm`'s stickiness is not in (0, 1), or any parameter is not finite.
    public func validate() throws(SmoothingMethodError) {
        if let problem = rangeProblem {
            throw SmoothingMethodError(
                code: .parameterOutOfRange, text: description,
                message: "smoothing '\(description)': \(problem)")
        }
    }

    /// Why the parameter is out of range, or nil when it is fine.
    var rangeProblem: String? {
        switch self {
        case .none:
            return nil
        case .ema(let tau):
            return tau.isFinite && tau > 0 ? nil : "ema needs a time constant in seconds > 0"
        case .window(let seconds):
            return seconds.isFinite && seconds >= 0 ? nil : "window needs a width in seconds >= 0"
        case .hmm(let stickiness):
            return stickiness.isFinite && stickiness > 0 && stickiness < 1
                ? nil : "hmm needs a stickiness in (0, 1), e.g. 0.95"
        }
    }
}

extension SmoothingMethod: CustomStringConvertible {
    /// The command-line form, which `init(parsing:)` reads back: `none`,
    /// `ema:0.5`, `window:1.0`, `hmm:0.95`.
    public var description: String {
        guard let parameter else { return name }
        return "\(name):\(parameter)"
    }
}
