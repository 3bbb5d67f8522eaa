import AgentState
import Foundation
import Hummingbird
import Synchronization

/// Finds the caller's key from `Authorization: Bearer <secret>`. The tenant of every request
/// is the key's tenant.
///
/// Guessing keys is slowed down: every failed attempt costs a token of its client address's
/// bucket, and an address with none left gets 429 before its key is even looked at.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any StateStore
    let cache: KeyCache
    var failures = LocalRateLimiter()
    var failureLimit = RateLimit(rate: 1, burst: 20)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        guard failures.hasToken(address, failureLimit) else {
            throw ServerError.rateLimited(retryAfter: .seconds(1 / failureLimit.rate))
        }
        guard let secret = Self.bearerToken(request.headers[.authorization]), let key = try await cache.key(for: secret, store: store) else {
            _ = failures.takeNow(address, failureLimit)
            throw ServerError.unauthorized
        }
        var context = context
        context.key = key
        if key.userId != nil { context.owners = store }
        return try await next(request, context)
    }

    /// The credential of `Authorization: Bearer <token>`; the scheme's name is case-insensitive
    /// (RFC 9110, section 11.1), so `bearer` and `BEARER` are the same.
    static func bearerToken(_ header: String?) -> String? {
        guard let header, let space = header.firstIndex(of: " "), header[..<space].lowercased() == "bearer" else { return nil }
        // Blanks trimmed by hand: Foundation's trimming bridged through NSString on every
        // request, about 1% of a checkpoint save's server time.
        let rest = header[header.index(after: space)...]
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = rest.firstIndex(where: { !blank($0) }), let last = rest.lastIndex(where: { !blank($0) }) else { return nil }
        return String(rest[first...last])
    }
}

/// Keeps recent lookups of keys for a few seconds, so a request does not pay a store read to
/// authenticate. A key revoked through this server stops working at once; one revoked
/// elsewhere within `ttl`.
final class KeyCache: Sendable {
    private struct Entry { var key: APIKey; var at: ContinuousClock.Instant }
    private let entries = Mutex<[String: Entry]>([:])
    let ttl: Duration

    init(ttl: Duration = .seconds(5)) {
        self.ttl = ttl
    }

    func key(for secret: String, store: any StateStore) async throws -> APIKey? {
        let hash = APIKeys.hash(secret)
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[hash] }), now - hit.at < ttl { return hit.key }
        guard let key = try await store.authenticate(secret: secret) else {
            entries.withLock { _ = $0.removeValue(forKey: hash) }
            return nil
        }
        entries.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[hash] = Entry(key: key, at: now)
        }
        return key
    }

    func forget(keyID: String) {
        entries.withLock { cache in cache = cache.filter { $0.value.key.id != keyID } }
    }
}
