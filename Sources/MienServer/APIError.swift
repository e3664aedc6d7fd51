import Foundation
import Hummingbird

/// An error the API answers with: a status and a message for the client,
/// written as `{"error": MESSAGE}`. Messages name what the client sent, never
/// the server's folders or its store.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// What went wrong, for the client.
    public let message: String

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The JSON answer.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.response(status, message)
    }

    /// `{"error": message}` with `status`.
    static func response(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message], options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"error":"error"}"#.utf8)
        return JSONResponse.make(body, status: status)
    }
}

/// Responses with a JSON body.
enum JSONResponse {
    /// A response of `body` (JSON bytes) with `status`.
    static func make(_ body: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
