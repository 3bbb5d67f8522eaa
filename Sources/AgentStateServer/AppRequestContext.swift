import AgentState
import Hummingbird
import NIOCore

/// What a request carries between the middleware and the handlers: the caller's key.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware`; every `/v1` handler can rely on it.
    public var key: APIKey?
    /// Where the request came from (for slowing down guessed keys).
    public let remoteAddress: SocketAddress?
    /// Set by `IdempotencyMiddleware` for a write sent with an `Idempotency-Key`: the key is
    /// looked up only once `authorize` has let the caller through.
    var idempotency: IdempotencyGate?
    /// Set by `AuthMiddleware` for a key bound to a user: where `authorize` looks up whose a
    /// record is.
    var owners: (any StateStore)?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The tenant of the caller's key: never taken from the request itself.
    var tenant: TenantID { key!.tenantId }

    /// Refuses the request unless the caller's role grants `permission` and, for a key bound to
    /// a user, unless `target` is that user's; then, and only then, looks up its
    /// `Idempotency-Key`. Every handler calls this before it does anything else, so nothing is
    /// read, replayed or written for a caller who may not make the request.
    ///
    /// `target` says what the request reaches. Left out, it is the whole tenant, which a key
    /// bound to a user may not reach: a new route is closed to such keys until it says more.
    func authorize(_ permission: Permission, _ target: Target = .tenant) async throws {
        try require(permission)
        if let user = key?.userId, let owners { try await target.check(user: user, tenant: tenant, owners) }
        try await idempotency?.begin()
    }

    private func require(_ permission: Permission) throws {
        guard let key else { throw ServerError.unauthorized }
        guard permission.allowed(for: key.role) else { throw ServerError.forbidden(role: key.role, needs: permission) }
    }
}
