import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of `mien serve`'s API, for `mien submit|status|collect --server`.
public struct APIClient: Sendable {
    /// The server's base URL (`http://HOST:PORT`).
    public let base: URL
    /// The bearer token.
    let token: String
    /// Seconds to wait for an answer.
    public var timeout: Double = 300

    /// Creates a client; the token is the first line of `tokenFile`.
    /// - Throws: `APIClientError` for a bad URL or an unreadable or empty token file.
    public init(server: String, tokenFile: String) throws {
        guard let url = URL(string: server.hasSuffix("/") ? String(server.dropLast()) : server),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
        else { throw APIClientError("\(server): not an http(s) URL of a mien server") }
        guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8),
              let line = text.split(separator: "\n").first?.trimmingCharacters(in: .whitespacesAndNewlines), !line.isEmpty
        else { throw APIClientError("\(tokenFile): cannot read a token (the file must hold the token on its first line)") }
        base = url
        token = line
    }

    /// An answer: status and body.
    public struct Answer: Sendable {
        /// The HTTP status.
        public let status: Int
        /// The body.
        public let body: Data
    }

    /// GET `path` (`/v1/...`); throws unless the status is 2xx.
    public func get(_ path: String) async throws -> Answer {
        try await send("GET", path, body: nil)
    }

    /// POST `path` with a JSON body; throws unless the status is 2xx.
    public func post(_ path: String, json: Data?) async throws -> Answer {
        try await send("POST", path, body: json)
    }

    func send(_ method: String, _ path: String, body: Data?) async throws -> Answer {
        guard let url = URL(string: base.absoluteString + path) else { throw APIClientError("\(path): not a valid request path") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data, response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw APIClientError("\(base.absoluteString): cannot reach the server: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let message = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["error"] as? String
            throw APIClientError(message.map { "server: \($0)" } ?? "server answered HTTP \(status)", status: status)
        }
        return Answer(status: status, body: data)
    }

    /// `text` made safe as one path segment.
    public static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// A request to the server that failed, in words.
public struct APIClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// The HTTP status, when the server answered.
    public let status: Int?
    /// Creates an error.
    public init(_ message: String, status: Int? = nil) {
        description = message
        self.status = status
    }
}
