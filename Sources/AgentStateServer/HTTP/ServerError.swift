import AgentState
import HTTPTypes

/// Failures that belong to HTTP rather than to the domain.
enum ServerError: Error {
    case unauthorized
    case forbidden(role: Role, needs: Permission)
    case preconditionFailed(current: String)
    case preconditionRequired
    case bodyTooLarge(limit: Int)
    case malformedJSON(String)
    case idempotencyMismatch
    case idempotencyInProgress
    case idempotencyApplied
    case rateLimited(retryAfter: Duration)
    case tooManyStreams(limit: Int)
    case routeNotFound
    case methodNotAllowed(allowed: [String])
}
