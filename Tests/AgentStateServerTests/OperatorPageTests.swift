import AgentState
import AgentStateServer
import Foundation
import HTTPTypes
import Testing

@Suite("The operator page: sign-in, CSRF, escaping, deciding")
struct OperatorPageTests {
    typealias Client = APIHarness.Client

    /// Signs in with `key` and returns the cookie's value, or nil when refused.
    func signIn(_ c: Client, _ key: String) async throws -> String? {
        let r = try await c.call(.post, "/ui/login", key: "", form: "key=\(key)")
        guard r.status == 303, let cookie = r.headers[.setCookie] else { return nil }
        return String(cookie.split(separator: ";")[0].dropFirst("agentstate_ui=".count))
    }

    func page(_ c: Client, _ path: String, _ cookie: String) async throws -> APIHarness.Client.Reply {
        try await c.call(.get, path, key: "", headers: [.cookie: "agentstate_ui=\(cookie)"])
    }

    static func csrf(in html: String) -> String? {
        html.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression).map { String(html[$0].dropFirst(19).dropLast()) }
    }

    @Test("an operator signs in: the cookie is HttpOnly, SameSite=Strict, scoped to /ui, Secure behind TLS; wrong keys and agent keys are refused")
    func signingIn() async throws {
        let h = try await APIHarness.make()
        try await h.run { c in
            #expect(try await c.call(.get, "/ui/runs", key: "").headers[.location] == "/ui/login")
            let ok = try await c.call(.post, "/ui/login", key: "", form: "key=\(h.operator)")
            let cookie = try #require(ok.headers[.setCookie])
            #expect(ok.status == 303 && ok.headers[.location] == "/ui/runs")
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/ui") && !cookie.contains("Secure"))
            #expect(!cookie.contains(h.operator), "the cookie never holds the key")
            let proxied = try await c.call(.post, "/ui/login", key: "", headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"], form: "key=\(h.operator)")
            #expect(proxied.headers[.setCookie]?.contains("; Secure") == true)

            let wrong = try await c.call(.post, "/ui/login", key: "", form: "key=as_nope")
            #expect(wrong.status == 401 && wrong.text.contains("That key is not valid.") && wrong.headers[.setCookie] == nil)
            let agent = try await c.call(.post, "/ui/login", key: "", form: "key=\(h.agent)")
            #expect(agent.status == 403 && agent.text.contains("role is agent"))
            #expect(try await signIn(c, h.admin) != nil)

            // A form posted from another site is refused, sign-in included (it has no CSRF token).
            for header in [(HTTPField.Name("Origin")!, "https://evil.example"), (HTTPField.Name("Sec-Fetch-Site")!, "cross-site")] {
                let r = try await c.call(.post, "/ui/login", key: "", headers: [header.0: header.1], form: "key=\(h.operator)")
                #expect(r.status == 403 && r.headers[.setCookie] == nil)
            }
        }
    }

    @Test("a forged, altered or expired cookie, or one of a revoked key, is not a session")
    func forgedCookies() async throws {
        let h = try await APIHarness.make()
        try await h.run { c in
            let cookie = try #require(try await signIn(c, h.operator))
            #expect(try await page(c, "/ui/runs", cookie).status == 200)
            var parts = cookie.split(separator: ":").map(String.init)
            let honest = parts
            parts[2] = String(Int64(parts[2])! + 86_400_000)
            #expect(try await page(c, "/ui/runs", parts.joined(separator: ":")).status == 303, "a longer life breaks the signature")
            parts = honest
            parts[0] = "globex"
            #expect(try await page(c, "/ui/runs", parts.joined(separator: ":")).status == 303, "another tenant breaks it too")
            parts = honest
            parts[2] = "1000"
            #expect(try await page(c, "/ui/runs", parts.joined(separator: ":")).status == 303, "an expired cookie")

            let keys = try await h.store.apiKeys(tenant: "acme")
            let operatorKey = try #require(keys.first { $0.role == .operator })
            _ = try await h.store.revokeAPIKey("acme", id: operatorKey.id)
            try await Task.sleep(for: .seconds(5.2))  // the page's key cache holds a lookup 5 s
            #expect(try await page(c, "/ui/runs", cookie).status == 303, "revoking the key ends its sessions")
        }
    }

    @Test("every form needs the session's CSRF token: without it nothing changes; with it the approval is decided by the key")
    func csrfAndDeciding() async throws {
        let h = try await APIHarness.make()
        _ = try await h.store.createRun("acme", RunCreate(id: "r1", workflow: "wf"))
        let claimed = try #require(try await h.store.claim("acme", ClaimRequest(worker: "w")))
        let approval = try await h.store.requestApproval("acme", "r1", ApprovalRequest(approver: "ops", reason: "pay?", fencingToken: claimed.lease.token))
        try await h.run { c in
            let cookie = try #require(try await signIn(c, h.operator))
            let listing = try await page(c, "/ui/approvals", cookie)
            #expect(listing.text.contains("pay?") && listing.text.contains("/ui/approvals/\(approval.id)/decide"))
            let token = try #require(Self.csrf(in: listing.text))
            let path = "/ui/approvals/\(approval.id)/decide"
            let headers: HTTPFields = [.cookie: "agentstate_ui=\(cookie)"]
            for bad in ["decision=approved", "csrf=\(String(repeating: "0", count: 64))&decision=approved"] {
                let r = try await c.call(.post, path, key: "", headers: headers, form: bad)
                #expect(r.status == 403 && r.text.contains("nothing was changed"))
            }
            let other = try #require(try await signIn(c, h.admin))
            let othersToken = try #require(Self.csrf(in: try await page(c, "/ui/approvals", other).text))
            #expect(try await c.call(.post, path, key: "", headers: headers, form: "csrf=\(othersToken)&decision=approved").status == 403,
                    "another session's token does not pass")
            #expect(try await h.store.approval("acme", approval.id).status == .pending)

            let done = try await c.call(.post, path, key: "", headers: headers, form: "csrf=\(token)&decision=approved&comment=looks+fine")
            #expect(done.status == 303 && done.headers[.location] == "/ui/approvals")
            let decided = try await h.store.approval("acme", approval.id)
            #expect(decided.status == .approved && decided.comment == "looks fine" && decided.decidedBy?.hasPrefix("key_") == true)
            let again = try await c.call(.post, path, key: "", headers: headers, form: "csrf=\(token)&decision=rejected")
            #expect(again.status == 409 && again.text.contains("already approved"), "a decided approval says so on the page")
            // The audit trail holds the decision, by the operator's key, as it would an API call.
            var audited: [AuditRecord] = []
            for _ in 0..<100 where !audited.contains(where: { $0.path == path && $0.status == 303 }) {
                try await Task.sleep(for: .milliseconds(50))
                audited = try await h.store.auditRecords("acme", AuditQuery(changesOnly: true, limit: 100)).items
            }
            #expect(audited.contains { $0.path == path && $0.status == 303 && $0.role == .operator && $0.method == "POST" })
            #expect(audited.contains { $0.path == path && $0.status == 403 }, "refused forms are recorded too")
        }
    }

    @Test("what agents stored is escaped on every page: markup in it shows as text")
    func escaping() async throws {
        let h = try await APIHarness.make()
        let evil = "<script>alert(1)</script>\"'&"
        _ = try await h.store.createSession("acme", SessionCreate(id: "s1", title: evil, context: ["x": .string(evil)]))
        _ = try await h.store.appendMessages("acme", "s1", [.user(evil)], expectedLastSeq: nil)
        _ = try await h.store.createRun("acme", RunCreate(id: "r1", workflow: "wf", input: ["y": .string(evil)]))
        try await h.run { c in
            let cookie = try #require(try await signIn(c, h.operator))
            for path in ["/ui/sessions", "/ui/sessions/s1", "/ui/runs", "/ui/runs/r1"] {
                let r = try await page(c, path, cookie)
                #expect(r.status == 200 && !r.text.contains("<script>"), "\(path)")
                #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            }
            #expect(try await page(c, "/ui/sessions/s1", cookie).text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            let missing = try await page(c, "/ui/runs/nope", cookie)
            #expect(missing.status == 404 && missing.text.contains("nope"))
            // A quote with a combining mark after it is one Character but still a quote to the
            // browser: it must not end the attribute it is shown in (swift-mustache's own
            // escaping, by Character, let it through).
            let mark = "\u{301}"
            let owner = "x\"" + mark + " autofocus onfocus=alert(1) y=\"" + mark
            let reflected = try await page(c, "/ui/runs?owner=" + owner.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, cookie)
            let escaped = "value=\"x&quot;" + mark + " autofocus onfocus=alert(1) y=&quot;" + mark + "\""
            let brokenOut = "\"" + mark + " autofocus"
            #expect(reflected.status == 200 && reflected.text.contains(escaped), "\(reflected.text)")
            #expect(!reflected.text.contains(brokenOut))
        }
    }

    @Test("every template file is built in, and escapes what it shows by Unicode scalar (its first line names SAFE_HTML)")
    func templatesAreSafe() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/AgentStateServer/UI/Templates").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(Set(files.map { String($0.dropLast(".mustache".count)) }) == Set(Templates.names))
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(text.hasPrefix("{{% CONTENT_TYPE: SAFE_HTML}}\n"), "\(file)")
        }
    }
}
