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
    /// A query that cannot be read at all (not UTF-8 once percent-decoded).
    case malformedQuery(field: String?, String)
    case idempotencyMismatch
    case idempotencyInProgress
    case idempotencyApplied
    /// The first request with the key was applied; its answer held a secret, which is never kept.
    case idempotencyWithheld
    /// The first request with the key was applied; its answer was too large to keep.
    case idempotencyAnswerNotKept(limit: Int)
    case rateLimited(retryAfter: Duration)
    case tooManyStreams(limit: Int)
    case routeNotFound
    case methodNotAllowed(allowed: [String])
}
