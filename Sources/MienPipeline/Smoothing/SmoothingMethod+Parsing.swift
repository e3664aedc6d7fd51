extension SmoothingMethod {
    /// What `init(parsing:)` accepts, for help texts and error messages.
    public static let syntaxHelp =
        "none | ema[:SECONDS] | window[:SECONDS] | hmm[:STICKINESS] "
        + "(defaults ema:\(defaultTimeConstant), window:\(defaultWindowSeconds), hmm:\(defaultStickiness))"

    /// Reads a method from its command-line form: `NAME` or `NAME:NUMBER`.
    ///
    /// Names are case-insensitive and surrounding spaces are ignored. Without a
    /// number the method's default is used: `ema` is `ema:0.5`, `window` is
    /// `window:1.0`, `hmm` is `hmm:0.95`. `none` takes no number.
    ///
    /// ```
    /// try SmoothingMethod(parsing: "ema:0.5")   // .ema(timeConstant: 0.5)
    /// try SmoothingMethod(parsing: "hmm")       // .hmm(stickiness: 0.95)
    /// ```
    ///
    /// - Throws: `SmoothingMethodError` with code `.unknownMethod`,
    ///   `.badParameter` (not a finite number, or an empty one after the colon),
    ///   `.unexpectedParameter` (`none:…`) or `.parameterOutOfRange`.
    public init(parsing text: String) throws(SmoothingMethodError) {
        let trimmed = text.trimmingSpaces()
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0].lowercased().trimmingSpaces()
        let rawParameter = parts.count > 1 ? String(parts[1]).trimmingSpaces() : nil

        func fail(_ code: SmoothingMethodError.Code, _ why: String) -> SmoothingMethodError {
            SmoothingMethodError(
                code: code, text: text,
                message: "smoothing '\(text)': \(why); expected \(Self.syntaxHelp)")
        }

        if name == "none", rawParameter != nil {
            throw fail(.unexpectedParameter, "none takes no parameter")
        }
        var parameter: Double?
        if let rawParameter {
            guard let value = Double(rawParameter), value.isFinite else {
                throw fail(.badParameter, "'\(rawParameter)' is not a number")
            }
            parameter = value
        }

        let method: SmoothingMethod
        switch name {
        case "none":
            method = .none
        case "ema":
            method = .ema(timeConstant: parameter ?? Self.defaultTimeConstant)
        case "window":
            method = .window(seconds: parameter ?? Self.defaultWindowSeconds)
        case "hmm":
            method = .hmm(stickiness: parameter ?? Self.defaultStickiness)
        case "":
            throw fail(.unknownMethod, "no method named")
        default:
            throw fail(.unknownMethod, "unknown method '\(name)'")
        }
        if let problem = method.rangeProblem {
            throw fail(.parameterOutOfRange, problem)
        }
        self = method
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    fileprivate func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }),
            let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
