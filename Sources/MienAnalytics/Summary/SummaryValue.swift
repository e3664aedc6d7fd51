import Foundation

/// One cell of a summary row.
enum SummaryValue: Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    case null

    /// A number rounded to 6 decimals, in its shortest form.
    static func format(_ value: Double) -> String {
        let rounded = (value * 1e6).rounded() / 1e6
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return "\(rounded)"
    }

    /// As a CSV field: empty for null, quoted when the text needs it.
    var csv: String {
        switch self {
        case .text(let s):
            return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        case .integer(let i): return String(i)
        case .number(let d): return Self.format(d)
        case .null: return ""
        }
    }

    /// As a JSON value.
    var json: String {
        switch self {
        case .text(let s):
            let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        case .integer(let i): return String(i)
        case .number(let d): return Self.format(d)
        case .null: return "null"
        }
    }
}
