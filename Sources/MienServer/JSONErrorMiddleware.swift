import Foundation
import Hummingbird
import Logging

/// Turns every error into a JSON answer (`{"error": ...}`): the API's own
/// (`APIError`) as they are, Hummingbird's (no such route, a body over the
/// limit) with a message for their status, and anything else as a 500 whose
/// details go to the log only, so nothing of the server's files or store
/// reaches the client.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIError.response(error.status, error.message)
        } catch let error as any HTTPResponseError {
            return APIError.response(error.status, Self.message(for: error.status))
        } catch {
            context.logger.error("internal error on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            return APIError.response(.internalServerError, "internal error")
        }
    }

    /// A message for a status Hummingbird chose.
    static func message(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such route"
        case .methodNotAllowed: "method not allowed on this route"
        case .contentTooLarge: "the request body is over the server's limit"
        case .badRequest: "bad request"
        default: status.reasonPhrase.isEmpty ? "error \(status.code)" : status.reasonPhrase.lowercased()
        }
    }
}
