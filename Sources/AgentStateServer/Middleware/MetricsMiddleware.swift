import Hummingbird

/// Counts and times every request by its route pattern (`/v1/runs/{id}`, never the concrete id,
/// so the number of series stays bounded) and final status.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
