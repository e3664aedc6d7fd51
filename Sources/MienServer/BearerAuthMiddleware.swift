import Hummingbird

/// Lets a request through only with `Authorization: Bearer TOKEN` for a token
/// of the set; 401 otherwise (with `WWW-Authenticate: Bearer`).
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenSet

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count > 7,
              header.prefix(7).lowercased() == "bearer ", tokens.accepts(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        else {
            var response = APIError.response(.unauthorized, "a valid bearer token is required (Authorization: Bearer TOKEN)")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}
