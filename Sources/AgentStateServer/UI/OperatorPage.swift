import AgentState
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/ui`: the operator's page, server-rendered HTML over the same store as the API. Signed in
/// with an operator or admin key (see `UISession`); every change is a POST form with a CSRF
/// token, done through the same store operations the API uses.
struct OperatorPage: Sendable {
    let store: any StateStore
    let tiers: (any TierHealthReporting)?
    /// The audit trail, as for the API: what an operator saw and decided here is recorded too.
    var audit: AuditWriter?
    let keys = UIKeyLookup()
    var failures = LocalRateLimiter()
    var failureLimit = RateLimit(rate: 1, burst: 20)

    func addRoutes(to router: Router<AppRequestContext>) {
        let ui = router.group("ui")
        ui.get { request, context in
            await session(request) == nil ? HTML.redirect("/ui/login") : HTML.redirect("/ui/runs")
        }
        ui.get("style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: Templates.css)))
        }
        addSignIn(to: ui)
        addRunPages(to: ui)
        addApprovalPages(to: ui)
        addSessionPages(to: ui)
        addHealthPage(to: ui)
    }

    // MARK: Signing in

    private func addSignIn(to ui: RouterGroup<AppRequestContext>) {
        ui.get("login") { request, _ in
            await session(request) != nil ? HTML.redirect("/ui/runs") : loginPage(error: nil)
        }
        ui.post("login") { request, context in
            guard !Self.isCrossSite(request) else {
                return loginPage(error: "Sign in from this page, not from another site.", status: .forbidden)
            }
            let address = context.remoteAddress?.ipAddress ?? "unknown"
            guard failures.hasToken(address, failureLimit) else {
                return loginPage(error: "Too many failed sign-ins from this address; wait a moment.", status: .tooManyRequests)
            }
            let form = try await Form.read(request, context: context)
            let secret = (form["key"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !secret.isEmpty, let key = try? await store.authenticate(secret: secret) else {
                _ = failures.takeNow(address, failureLimit)
                return loginPage(error: "That key is not valid.", status: .unauthorized)
            }
            guard key.role == .operator || key.role == .admin else {
                return loginPage(error: "The page is for operator and admin keys; this key's role is \(key.role.rawValue).", status: .forbidden)
            }
            record(request, context, key: key, status: 303)
            return HTML.redirect("/ui/runs", cookie: UISession.issue(for: key).cookie(secure: Self.isSecure(request)))
        }
        ui.post("logout") { request, context in
            try await signedIn(request, context, form: true) { _, _ in
                HTML.redirect("/ui/login", cookie: UISession.clearingCookie(secure: Self.isSecure(request)))
            }
        }
    }

    private struct Login {
        let error: String?
    }

    private func loginPage(error: String?, status: HTTPResponse.Status = .ok) -> Response {
        HTML.page("Sign in", session: nil, "login", Login(error: error), status: status)
    }

    // MARK: Helpers for every page

    func session(_ request: Request) async -> UISession? {
        guard let token = UISession.cookieValue(request) else { return nil }
        return await UISession.verify(token, keys: keys, store: store)
    }

    /// Runs `body` for a signed-in operator, with the POST form already read and its CSRF
    /// token checked when `form` is set; otherwise sends the browser to sign in. A failure of the
    /// store becomes a page saying what went wrong.
    func signedIn(_ request: Request, _ context: AppRequestContext, form: Bool = false,
                  _ body: (UISession, Form) async throws -> Response) async throws -> Response {
        guard let session = await session(request) else {
            return HTML.redirect("/ui/login", cookie: UISession.cookieValue(request) == nil ? nil : UISession.clearingCookie(secure: Self.isSecure(request)))
        }
        var fields = Form()
        if form { fields = try await Form.read(request, context: context) }
        let response: Response
        if form, Self.isCrossSite(request) || !session.checks(csrf: fields["csrf"]) {
            response = errorPage(session, "The form was stale or did not come from this page; nothing was changed. Go back, reload and try again.", status: .forbidden)
        } else {
            do {
                response = try await body(session, fields)
            } catch let error as AgentStateError {
                response = errorPage(session, error.message, status: error.code == .notFound ? .notFound : .conflict)
            }
        }
        record(request, context, key: session.key, status: response.status.code)
        return response
    }

    private func record(_ request: Request, _ context: AppRequestContext, key: APIKey, status: Int) {
        audit?.record(request, context, key: key, status: status)
    }

    private struct Message {
        let message: String
    }

    func errorPage(_ session: UISession, _ message: String, status: HTTPResponse.Status) -> Response {
        HTML.page("Something went wrong", session: session, "message", Message(message: message), status: status)
    }

    /// Whether the browser says the form came from another site (`Sec-Fetch-Site`, or an
    /// `Origin` other than this server): such a form is refused, the sign-in form included, which
    /// has no session yet to carry a CSRF token.
    static func isCrossSite(_ request: Request) -> Bool {
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" { return true }
        guard let origin = request.headers[HTTPField.Name("Origin")!] else { return false }
        guard let authority = request.head.authority else { return true }
        return !(origin == "http://" + authority || origin == "https://" + authority)
    }

    /// Whether the browser reached the page over TLS: the server's own, or a proxy's that says so.
    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme?.rawValue == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}

/// An `application/x-www-form-urlencoded` body.
struct Form: Sendable {
    private var fields: [String: String] = [:]

    subscript(name: String) -> String? { fields[name] }

    static func read(_ request: Request, context: AppRequestContext) async throws -> Form {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return Form(parsing: String(buffer: buffer))
    }

    init() {}

    init(parsing text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
    }
}

extension Request {
    /// A query parameter, nil when absent or empty.
    func queryValue(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }
}
