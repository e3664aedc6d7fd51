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

    /// The end of a 503's message for a video whose collection goes on in the
    /// server past the request's limit: asking again later gets its files.
    public static let collectionGoesOn = "; the collection goes on in the server: ask again in a while"

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

    /// GET `path` into the file `destination`, replaced whole (a same-folder
    /// temporary file renamed over it), the body going to disk as it arrives
    /// rather than into memory: a long video's timeline can be gigabytes.
    /// - Throws: `APIClientError` as `get` does, or when the file cannot be written.
    public func download(_ path: String, to destination: String) async throws {
        let request = try request("GET", path, body: nil)
        let file: URL, response: URLResponse
        do { (file, response) = try await URLSession.shared.download(for: request) } catch {
            throw APIClientError("\(base.absoluteString): cannot reach the server: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw Self.failure(status: status, body: (try? Data(contentsOf: file)) ?? Data())
        }
        let target = URL(fileURLWithPath: destination)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).download-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.moveItem(at: file, to: temporary)
            guard rename(temporary.path, destination) == 0 else {
                throw APIClientError("\(destination): cannot write: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error as? APIClientError ?? APIClientError("\(destination): cannot write: \(error.localizedDescription)")
        }
    }

    func request(_ method: String, _ path: String, body: Data?) throws -> URLRequest {
        guard let url = URL(string: base.absoluteString + path) else { throw APIClientError("\(path): not a valid request path") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        return request
    }

    func send(_ method: String, _ path: String, body: Data?) async throws -> Answer {
        let request = try request(method, path, body: body)
        let data: Data, response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw APIClientError("\(base.absoluteString): cannot reach the server: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw Self.failure(status: status, body: data) }
        return Answer(status: status, body: data)
    }

    /// The error for a non-2xx answer: the server's `error` text when its body has one.
    static func failure(status: Int, body: Data) -> APIClientError {
        let message = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["error"] as? String
        return APIClientError(message.map { "server: \($0)" } ?? "server answered HTTP \(status)", status: status)
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
