/// Finds YAML aliases (`*name`) in a job file's text before it is parsed.
///
/// Job files refuse aliases: a settings file has no use for them, and an alias
/// of an alias (`b: &b [*a, *a, ...]`) grows exponentially when the parser
/// compares mapping keys (a 300-byte file kept the parser busy for minutes;
/// libFuzzer found it). Yams offers no limit on that growth, so this scan
/// looks at the text itself.
///
/// The scan errs towards finding an alias: a `*` directly followed by a name
/// where a YAML node can start counts, outside comments, quoted scalars that
/// open after an indicator on the same line, and block scalars (`|`, `>`).
/// A quote or block indicator at the very start of a line is not trusted
/// (it may continue a plain scalar), so text such as `"a: *b"` written on a
/// line of its own is reported too; the message says where.
struct YAMLAliasScan {
    /// Where the first alias is: 1-based line and column.
    struct Location: Equatable { var line: Int; var column: Int }

    /// The first alias in `text`, or nil when it has none.
    static func firstAlias(in text: String) -> Location? {
        var scan = YAMLAliasScan(Array(text.utf8))
        return scan.run()
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var flowDepth = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    private enum Byte {
        static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
        static let carriageReturn = UInt8(ascii: "\r"), hash = UInt8(ascii: "#"), star = UInt8(ascii: "*")
        static let ampersand = UInt8(ascii: "&"), bang = UInt8(ascii: "!"), colon = UInt8(ascii: ":")
        static let dash = UInt8(ascii: "-"), question = UInt8(ascii: "?"), comma = UInt8(ascii: ",")
        static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
        static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
        static let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")
        static let backslash = UInt8(ascii: "\\"), pipe = UInt8(ascii: "|"), greater = UInt8(ascii: ">")
    }

    private func byte(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private static func isBlank(_ b: UInt8?) -> Bool {
        b == nil || b == Byte.space || b == Byte.tab || b == Byte.newline || b == Byte.carriageReturn
    }

    private static func isFlowIndicator(_ b: UInt8?) -> Bool {
        b == Byte.comma || b == Byte.openBracket || b == Byte.closeBracket || b == Byte.openBrace || b == Byte.closeBrace
    }

    /// Whether a node may start here, and whether an indicator on this line
    /// says so (quotes and block scalars are trusted only then).
    private enum Position { case plain, lineStart, afterIndicator }

    private mutating func run() -> Location? {
        var position = Position.lineStart
        while let b = byte() {
            if b == Byte.newline {
                index += 1; line += 1; lineStart = index
                position = .lineStart
                continue
            }
            if b == Byte.space || b == Byte.tab || b == Byte.carriageReturn {
                index += 1
                continue
            }
            let afterBlank = index == lineStart || Self.isBlank(bytes[index - 1])
            if b == Byte.hash && afterBlank {
                skipToEndOfLine()
                continue
            }
            if position != .plain {
                if b == Byte.star && !Self.isBlank(byte(1)) && !Self.isFlowIndicator(byte(1)) {
                    return Location(line: line, column: index - lineStart + 1)
                }
                if b == Byte.ampersand || b == Byte.bang {
                    skipToken()  // an anchor or tag: the node itself follows
                    position = .afterIndicator
                    continue
                }
                if position == .afterIndicator {
                    if b == Byte.doubleQuote || b == Byte.singleQuote {
                        skipQuoted(b)
                        position = .plain
                        continue
                    }
                    if (b == Byte.pipe || b == Byte.greater) && flowDepth == 0 {
                        skipBlockScalar()
                        position = .lineStart
                        continue
                    }
                }
                if (b == Byte.dash || b == Byte.question || b == Byte.colon) && Self.isBlank(byte(1)) {
                    index += 1
                    position = .afterIndicator
                    continue
                }
                if b == Byte.dash && byte(1) == Byte.dash && byte(2) == Byte.dash && index == lineStart {
                    index += 3  // a document start marker
                    position = .afterIndicator
                    continue
                }
            }
            switch b {
            case Byte.openBracket, Byte.openBrace:
                flowDepth += 1
                position = .afterIndicator
            case Byte.closeBracket, Byte.closeBrace:
                if flowDepth > 0 { flowDepth -= 1 }
                position = .plain
            case Byte.comma where flowDepth > 0:
                position = .afterIndicator
            case Byte.colon where flowDepth > 0 || Self.isBlank(byte(1)):
                position = .afterIndicator
            default:
                position = .plain
            }
            index += 1
        }
        return nil
    }

    private mutating func skipToEndOfLine() {
        while let b = byte(), b != Byte.newline { index += 1 }
    }

    private mutating func skipToken() {
        while !Self.isBlank(byte()) && !Self.isFlowIndicator(byte()) { index += 1 }
    }

    /// Skips a quoted scalar, which may span lines; `''` and `\"` are escapes.
    private mutating func skipQuoted(_ quote: UInt8) {
        index += 1
        while let b = byte() {
            if b == Byte.newline { line += 1; lineStart = index + 1 }
            if quote == Byte.doubleQuote && b == Byte.backslash && byte(1) != Byte.newline {
                index += 2
                continue
            }
            if b == quote {
                if quote == Byte.singleQuote && byte(1) == Byte.singleQuote {
                    index += 2
                    continue
                }
                index += 1
                return
            }
            index += 1
        }
    }

    /// Skips a block scalar: the lines after its header that are blank or
    /// indented more than the header's line.
    private mutating func skipBlockScalar() {
        let headerIndent = indent(from: lineStart)
        skipToEndOfLine()
        while byte() == Byte.newline {
            let next = index + 1
            let nextIndent = indent(from: next)
            let end = next + nextIndent
            let blankLine = end >= bytes.count || bytes[end] == Byte.newline || bytes[end] == Byte.carriageReturn
            guard blankLine || nextIndent > headerIndent else { return }
            index = next; line += 1; lineStart = next
            skipToEndOfLine()
        }
    }

    /// The number of spaces at `start`.
    private func indent(from start: Int) -> Int {
        var i = start
        while i < bytes.count && bytes[i] == Byte.space { i += 1 }
        return i - start
    }
}
