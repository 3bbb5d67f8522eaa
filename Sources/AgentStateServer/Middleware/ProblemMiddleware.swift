import Hummingbird
import Logging

/// Turns every error into an RFC 9457 problem response; logs those that are the server's fault.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var error = error
            // The router says 404 for a known path asked with another method; that is a 405.
            if let http = error as? HTTPError, http.status == .notFound,
                let allowed = routes.methods(for: request.uri.path), !allowed.contains(request.method.rawValue)
            {
                error = ServerError.methodNotAllowed(allowed: allowed)
            }
            let response = Reply.problem(error)
            if response.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            }
            return response
        }
    }
}
