import AgentState
import Crypto
import Foundation
import Hummingbird
import Synchronization

/// The operator page's sign-in: a cookie naming the key, its tenant and an expiry, signed with
/// the key's stored hash. Any server of a deployment can check it without a session table of its
/// own, it never holds the key's secret, and revoking the key ends it.
///
/// Every form carries a CSRF token derived from the same hash and the cookie, checked on each
/// POST besides `SameSite=Strict`.
struct UISession: Sendable {
    static let cookieName = "agentstate_ui"
    static let lifetime: TimeInterval = 12 * 3600

    let key: APIKey
    let token: String

    var tenant: TenantID { key.tenantId }

    /// The token to put in every form.
    var csrf: String { Self.mac(key, "csrf|" + token) }

    static func issue(for key: APIKey, now: Date = Date()) -> UISession {
        let expires = Int64((now.timeIntervalSince1970 + lifetime) * 1000)
        let body = "\(key.tenantId):\(key.id):\(expires)"
        return UISession(key: key, token: body + ":" + mac(key, "ui|" + body))
    }

    /// The session a cookie names, if its key is live, may use the page and signed it, and it has
    /// not expired.
    static func verify(_ token: String, keys: UIKeyLookup, store: any StateStore, now: Date = Date()) async -> UISession? {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let expires = Int64(parts[2]), Double(expires) / 1000 > now.timeIntervalSince1970,
              let key = await keys.key(tenant: parts[0], id: parts[1], store: store), !key.isRevoked,
              key.role == .operator || key.role == .admin
        else { return nil }
        let body = parts[0...2].joined(separator: ":")
        guard constantTimeEqual(mac(key, "ui|" + body), parts[3]) else { return nil }
        return UISession(key: key, token: token)
    }

    func checks(csrf given: String?) -> Bool {
        guard let given else { return false }
        return Self.constantTimeEqual(csrf, given)
    }

    /// The Set-Cookie value: `Secure` when the page was reached over TLS (directly or, as
    /// `X-Forwarded-Proto` says, through a proxy that ends it).
    func cookie(secure: Bool) -> String {
        "\(Self.cookieName)=\(token); Path=/ui; HttpOnly; SameSite=Strict; Max-Age=\(Int(Self.lifetime))" + (secure ? "; Secure" : "")
    }

    static func clearingCookie(secure: Bool) -> String {
        "\(cookieName)=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "")
    }

    static func cookieValue(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix(cookieName + "=") { return String(trimmed.dropFirst(cookieName.count + 1)) }
            }
        }
        return nil
    }

    private static func mac(_ key: APIKey, _ text: String) -> String {
        Digests.hmacSHA256Hex(text, key: SymmetricKey(data: Data(key.secretHash.utf8)))
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Keys by tenant and id for the page's cookie, kept a few seconds like `KeyCache`: a page
/// view then costs no store read to authenticate.
final class UIKeyLookup: Sendable {
    private struct Entry { var keys: [APIKey]; var at: ContinuousClock.Instant }
    private let entries = Mutex<[TenantID: Entry]>([:])
    let ttl: Duration

    init(ttl: Duration = .seconds(5)) {
        self.ttl = ttl
    }

    func key(tenant: TenantID, id: String, store: any StateStore) async -> APIKey? {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[tenant] }), now - hit.at < ttl { return hit.keys.first { $0.id == id } }
        guard let keys = try? await store.apiKeys(tenant: tenant) else { return nil }
        entries.withLock { cache in
            if cache.count > 1_000 { cache.removeAll() }
            cache[tenant] = Entry(keys: keys, at: now)
        }
        return keys.first { $0.id == id }
    }
}
