import Yams

/// Finds plain YAML scalars that Yams would read as base-60 integers too large
/// for `Int`, before a job file is decoded.
///
/// YAML 1.1 reads `1:30` as a base-60 number (90). Yams computes such numbers
/// with trapping arithmetic, so a scalar with many `:`-separated parts or a
/// huge part (`min_face: 1:1:1:1:1:1:1:1:1:1:1`) stops the whole process when it
/// is decoded as an integer; libFuzzer found it. This guard repeats Yams'
/// computation (`Constructor.swift`, `String.sexagesimal()`) with overflow
/// reported instead, and names the first scalar that would overflow. Scalars
/// that fit, or that are not base-60 numbers at all, pass.
struct YAMLBaseSixtyGuard {
    /// A scalar that would overflow: its text, the dotted path of mapping keys
    /// that leads to it, and its 1-based line and column when Yams knows them.
    struct Finding: Equatable {
        var text: String
        var path: String
        var line: Int?
        var column: Int?
    }

    /// The first plain scalar under `node` that would overflow, keys included.
    static func firstOverflow(in node: Node, path: [String] = []) -> Finding? {
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .any || scalar.style == .plain, overflows(scalar.string) else { return nil }
            return Finding(text: scalar.string, path: path.joined(separator: "."), line: scalar.mark?.line, column: scalar.mark?.column)
        case .mapping(let mapping):
            for (key, value) in mapping {
                if let found = firstOverflow(in: key, path: path)
                    ?? firstOverflow(in: value, path: path + [key.scalar?.string ?? "?"]) { return found }
            }
            return nil
        case .sequence(let sequence):
            for (index, element) in sequence.enumerated() {
                if let found = firstOverflow(in: element, path: path + [String(index)]) { return found }
            }
            return nil
        case .alias:
            return nil
        }
    }

    /// Whether Yams' base-60 reading of `text` overflows `Int`: true only for
    /// text that Yams would read that way (it has a `:` and every part is a
    /// decimal integer, the first not starting with 0) and whose value, or running base, leaves `Int`'s range.
    static func overflows(_ text: String) -> Bool {
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        guard digits.contains(":") else { return false }
        var sign = 1
        if digits.hasPrefix("-") { sign = -1; digits = digits.dropFirst() } else if digits.hasPrefix("+") { digits = digits.dropFirst() }
        // Yams reads text that starts with 0 (after the sign) in base 8, 16 or 2, never base 60.
        if digits.hasPrefix("0") { return false }
        let parts = digits.split(separator: ":", omittingEmptySubsequences: false).map { Int($0, radix: 10) }
        guard !parts.contains(where: { $0 == nil }) else { return false }
        var base = 1, value = 0
        for part in parts.reversed() {
            let (term, termOverflow) = part!.multipliedReportingOverflow(by: base)
            let (sum, sumOverflow) = value.addingReportingOverflow(term)
            let (nextBase, baseOverflow) = base.multipliedReportingOverflow(by: 60)
            if termOverflow || sumOverflow || baseOverflow { return true }
            (value, base) = (sum, nextBase)
        }
        return value.multipliedReportingOverflow(by: sign).overflow
    }
}
