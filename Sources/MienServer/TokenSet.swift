import Foundation
import MienJobs

/// The bearer tokens the server accepts, kept only as SHA-256 digests.
///
/// The tokens file has one token digest a line, `sha256:HEX` (64 hex digits),
/// optionally followed by spaces and a label (who holds it); blank lines and
/// lines starting with `#` are skipped. Make a line with
/// `printf %s "$TOKEN" | sha256sum | sed 's/^/sha256:/; s/ .*//'`.
/// Plain tokens are refused in the file: it must not hold secrets.
public struct TokenSet: Sendable {
    /// The accepted digests, 32 bytes each.
    let digests: [[UInt8]]

    /// Creates a set from digests (lowercase hex, 64 characters each).
    init(hexDigests: [String]) {
        digests = hexDigests.compactMap(Self.bytes(hex:))
    }

    /// How many tokens are accepted.
    public var count: Int { digests.count }

    /// Reads a tokens file.
    /// - Throws: `ServerSetupError` naming the file and the line that is wrong.
    public static func load(_ path: String) throws -> TokenSet {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ServerSetupError("\(path): cannot read the tokens file (missing, unreadable or not UTF-8)")
        }
        return try parse(text, file: path)
    }

    /// Parses the text of a tokens file; `file` names it in messages.
    public static func parse(_ text: String, file: String) throws -> TokenSet {
        var hexes: [String] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let field = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
            guard field.hasPrefix("sha256:"), bytes(hex: String(field.dropFirst(7)).lowercased()) != nil else {
                throw ServerSetupError("\(file): line \(number + 1): expected sha256:HEX (the token's SHA-256, 64 hex digits), "
                    + "not a plain token; make it with: printf %s \"$TOKEN\" | sha256sum")
            }
            hexes.append(String(field.dropFirst(7)).lowercased())
        }
        guard !hexes.isEmpty else { throw ServerSetupError("\(file): the tokens file holds no token") }
        return TokenSet(hexDigests: hexes)
    }

    /// The line a tokens file holds for `token`.
    public static func line(for token: String) -> String { "sha256:" + SHA256Digest.hex(Array(token.utf8)) }

    /// Whether `token` is one of the set: its digest is compared with every
    /// stored one in time that does not depend on where they differ.
    public func accepts(_ token: String) -> Bool {
        guard let presented = Self.bytes(hex: SHA256Digest.hex(Array(token.utf8))) else { return false }
        var found = false
        for digest in digests {
            var difference: UInt8 = 0
            for (a, b) in zip(digest, presented) { difference |= a ^ b }
            found = found || difference == 0
        }
        return found
    }

    /// 32 bytes from 64 hex digits, or nil.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// A server that cannot start: a bad tokens file, input root or address.
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    /// Creates an error.
    public init(_ message: String) { description = message }
}
