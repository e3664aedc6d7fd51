/// Builds one compact JSON object with its keys in the order they are added,
/// which `JSONEncoder` does not keep. Used for timeline lines, whose field
/// order is part of their readability (`t` first, `faces` last).
struct JSONLine {
    private(set) var text = "{"
    private var first = true

    /// Appends `"key":` (with a comma when needed).
    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\"" + name + "\":"
    }

    mutating func add(_ name: String, _ value: Double, decimals: Int) {
        key(name)
        text += JSONLine.number(value, decimals: decimals)
    }

    mutating func add(_ name: String, _ value: Float) {
        key(name)
        text += JSONLine.number(value)
    }

    mutating func add(_ name: String, _ value: Int) {
        key(name)
        text += String(value)
    }

    mutating func add(_ name: String, _ value: String) {
        key(name)
        text += JSONLine.quoted(value)
    }

    mutating func addNull(_ name: String) {
        key(name)
        text += "null"
    }

    /// Appends a value already written as JSON.
    mutating func add(_ name: String, json: String) {
        key(name)
        text += json
    }

    /// The finished object.
    var object: String { text + "}" }

    /// `value` rounded to `decimals` places, in the shortest form that reads back
    /// the same; non-finite values (never expected) become 0 so the line stays JSON.
    static func number(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let scale = [1.0, 10, 100, 1_000, 10_000, 100_000, 1_000_000][min(max(decimals, 0), 6)]
        // Past 2^53 a Double has no fractional digits to round (and value * scale
        // could overflow to infinity, which is not JSON).
        let rounded = value.magnitude < 0x1p53 ? (value * scale).rounded() / scale : value
        return rounded == 0 ? "0" : trimmed(rounded.description)
    }

    /// The shortest decimal form of a `Float` that reads back to the same `Float`.
    static func number(_ value: Float) -> String {
        guard value.isFinite else { return "0" }
        return value == 0 ? "0" : trimmed(value.description)
    }

    /// `5.0` -> `5`; other forms unchanged (exponents included: `1e-05` is JSON).
    private static func trimmed(_ text: String) -> String {
        text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON array of already-written values.
    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
