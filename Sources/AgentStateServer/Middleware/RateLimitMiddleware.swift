import AgentState
import Hummingbird

/// Each API key's requests through its token bucket: 429 with `Retry-After` past its limit.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let limiter: any RateLimiter
    let limit: RateLimit

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let key = context.key, let wait = await limiter.take("key:" + key.id, limit) {
            throw ServerError.rateLimited(retryAfter: wait)
        }
        return try await next(request, context)
    }
}
