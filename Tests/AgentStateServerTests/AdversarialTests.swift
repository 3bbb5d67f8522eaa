import AgentState
import AgentStateServer
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// Every operation of the OpenAPI document, attacked: with another tenant's ids, another user's
/// ids through a key bound to a user, every role, no, wrong and revoked keys, Idempotency-Key
/// replays across keys and roles, and every write body mutated. Nothing may leak (no victim's
/// data in an answer, no victim's record changed, no secret replayed), nothing may be a 5xx, and
/// every error must be a problem document. The operations come from the document the server
/// serves, so a new endpoint is attacked without a test written for it.
///
/// The test command prints the tally line (`ADVERSARIAL|…`) under the Swift suite.
@Suite("Adversarial: every operation, every key, every mangled body")
struct AdversarialTests {
    let tally = Tally()
    /// The store under the server: "memory" or "sqlite" (the default a user runs).
    var backend = "memory"

    /// Counts over the whole suite, and the first failures of each kind.
    final class Tally: Sendable {
        struct Counts { var calls = 0, leaks = 0, serverErrors = 0, nonProblems = 0, mismatches = 0, failures: [String] = [] }
        let counts = Mutex(Counts())

        func record(_ note: String, _ kind: WritableKeyPath<Counts, Int>) {
            counts.withLock { c in
                c[keyPath: kind] += 1
                if c.failures.count < 40 { c.failures.append(note) }
            }
        }
    }

    /// A server over a fresh in-memory store, with the failed-key limiter out of the way (the
    /// suite fails keys on purpose, hundreds of times from one address).
    func withServer(_ body: @escaping @Sendable (APIHarness, APIHarness.Client, [Operation]) async throws -> Void) async throws {
        let h = try await APIHarness.make(sqlite: backend == "sqlite")
        try await h.run(configure: { $0.authFailureLimit = RateLimit(rate: 100_000, burst: 100_000) }) { api in
            let document = try #require(try await api.call(.get, "/openapi.json", key: "").json)
            let operations = try Operation.all(in: document)
            #expect(operations.count >= 60, "the document's operations: \(operations.count)")
            try await body(h, api, operations)
        }
    }

    /// Sends one call and checks what every answer must be: below 500, and a problem document
    /// when it is an error; `canaries` must not appear in it, nor a secret unless `secretsAllowed`.
    @discardableResult
    func attack(_ api: APIHarness.Client, _ op: Operation, _ targets: Targets, key: String, body: [UInt8]? = nil, headers: HTTPFields = [:],
                canaries: [String] = [], secretsAllowed: Bool = false, expected: Int? = nil, note: String = "") async throws -> APIHarness.Client.Reply {
        let path = try targets.path(for: op.template) + targets.query(for: op)
        let bytes = body ?? op.body.map { Array($0.canonicalData) }
        let r = try await api.call(op.method, path, bytes: bytes, key: key, headers: headers)
        let what = "\(op) \(note) → \(r.status) \(r.text.prefix(200))"
        tally.counts.withLock { $0.calls += 1 }
        if r.status >= 500 { tally.record(what, \.serverErrors) }
        if r.status >= 400 {
            let problem = r.json
            if r.headers[.contentType] != "application/problem+json" || problem?["status"] != .int(Int64(r.status))
                || problem?["code"]?.stringValue == nil || problem?["type"]?.stringValue == nil || problem?["detail"]?.stringValue == nil {
                tally.record("not a problem document: " + what, \.nonProblems)
            }
        }
        for canary in canaries where r.text.contains(canary) { tally.record("leak: " + what, \.leaks) }
        if !secretsAllowed, Self.holdsSecret(r.text) { tally.record("secret: " + what, \.leaks) }
        if let expected, r.status != expected { tally.record("expected \(expected): " + what, \.mismatches) }
        return r
    }

    /// Records of one user, each holding `canary`, made with `key`.
    func plant(_ api: APIHarness.Client, key: String, _ t: Targets, canary: String) async throws {
        let calls: [(HTTPRequest.Method, String, String)] = [
            (.post, "/v1/sessions", #"{"id":"\#(t.session)","user_id":"\#(t.user)","title":"\#(canary)"}"#),
            (.post, "/v1/sessions/\(t.session)/messages", #"{"messages":[{"role":"user","content":"\#(canary)"},{"role":"assistant","content":"","tool_calls":[{"id":"\#(t.callId)","name":"lookup","arguments":"{\"q\":\"\#(canary)\"}"}]}]}"#),
            (.post, "/v1/runs", #"{"id":"\#(t.run)","workflow":"wf","user_id":"\#(t.user)","session_id":"\#(t.session)","input":{"secret":"\#(canary)"}}"#),
            (.post, "/v1/runs/\(t.run)/transitions", #"{"to":"running"}"#),
            (.put, "/v1/runs/\(t.run)/steps/\(t.step)", #"{"status":"completed","result":{"found":"\#(canary)"}}"#),
            (.post, "/v1/runs/\(t.run)/checkpoints", #"{"state":{"memo":"\#(canary)"}}"#),
            (.post, "/v1/runs/\(t.run)/effects/\(t.effect)/begin", #"{"holder":"w","request":{"to":"\#(canary)"}}"#),
            (.post, "/v1/runs/\(t.run)/events", #"{"type":"note","data":{"said":"\#(canary)"}}"#),
            (.post, "/v1/runs/\(t.run)/approvals", #"{"id":"\#(t.approval)","approver":"lead","reason":"\#(canary)"}"#),
            (.put, "/v1/memory/\(t.user)/\(t.namespace)/\(t.memoryKey)", #"{"value":"\#(canary)","text":"\#(canary)"}"#),
        ]
        for (method, path, body) in calls {
            let r = try await api.call(method, path, body, key: key)
            #expect(r.status < 300, "planting \(method) \(path): \(r.text)")
        }
    }

    /// What the owner sees of their records: compared before and after the attack.
    func snapshot(_ api: APIHarness.Client, key: String, _ t: Targets) async throws -> [String] {
        var out: [String] = []
        for path in ["/v1/sessions/\(t.session)", "/v1/sessions/\(t.session)/messages?limit=100", "/v1/runs/\(t.run)", "/v1/runs/\(t.run)/steps",
                     "/v1/runs/\(t.run)/checkpoints", "/v1/runs/\(t.run)/events?limit=1000", "/v1/runs/\(t.run)/effects/\(t.effect)",
                     "/v1/approvals/\(t.approval)", "/v1/memory/\(t.user)/\(t.namespace)/\(t.memoryKey)", "/v1/runs/\(t.run)/verify"] {
            let r = try await api.call(.get, path, key: key)
            out.append("\(path) \(r.status) \(r.text)")
        }
        return out
    }

    func otherTenant() async throws {
        try await withServer { h, api, operations in
            let victim = Targets(session: "s-victim", run: "r-victim", approval: "a-victim", key: "", user: "u-victim")
            let canary = "CANARY" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            let theirAdmin = try await h.store.createAPIKey("globex", role: .admin, name: nil)
            try await plant(api, key: h.otherTenant, victim, canary: canary)
            var targets = victim
            targets.key = theirAdmin.key.id
            let before = try await snapshot(api, key: h.otherTenant, victim)
            let bound = try await h.store.createAPIKey("acme", role: .agent, name: nil, userId: "u-victim").secret
            for op in operations where !op.public_ {
                for key in [h.admin, h.agent, h.operator, bound] {
                    let r = try await attack(api, op, targets, key: key, canaries: [canary], secretsAllowed: op.id == "createKey", note: "as another tenant")
                    // Their records are not found, whatever the role; only what names no record of theirs may succeed.
                    if op.template.contains("{id}") || op.template.contains("{call_id}") {
                        if r.status < 400 { tally.record("reached another tenant's record: \(op) \(r.status)", \.leaks) }
                    }
                }
            }
            #expect(try await snapshot(api, key: h.otherTenant, victim) == before, "another tenant's records changed")
            #expect(try await h.store.apiKeys(tenant: "globex").allSatisfy { !$0.isRevoked })
        }
    }

    func otherUser() async throws {
        try await withServer { h, api, operations in
            let bob = Targets(session: "s-bob", run: "r-bob", approval: "a-bob", key: "", user: "bob")
            let canary = "CANARY" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            try await plant(api, key: h.agent, bob, canary: canary)
            let ann = try await h.store.createAPIKey("acme", role: .agent, name: "ann", userId: "ann")
            var targets = bob
            targets.key = ann.key.id
            let before = try await snapshot(api, key: h.admin, bob)
            for op in operations where !op.public_ {
                let r = try await attack(api, op, targets, key: ann.secret, canaries: [canary], note: "as another user")
                // Naming another user's record reaches nothing: not found, or an empty list.
                if op.template.contains("{") && r.status < 400 && r["items"]?.array?.isEmpty != true {
                    tally.record("reached another user's record: \(op) \(r.status) \(r.text.prefix(120))", \.leaks)
                }
            }
            #expect(try await snapshot(api, key: h.admin, bob) == before, "another user's records changed")
        }
    }

    func badKeys() async throws {
        try await withServer { h, api, operations in
            let revoked = try await h.store.createAPIKey("acme", role: .admin, name: nil)
            _ = try await h.store.revokeAPIKey("acme", id: revoked.key.id)
            let wrong = "as_" + String(repeating: "Z", count: 40)
            let headers: [(String, HTTPFields)] = [
                ("no key", [:]), ("wrong key", [.authorization: "Bearer \(wrong)"]), ("revoked key", [.authorization: "Bearer \(revoked.secret)"]),
                ("Basic", [.authorization: "Basic YWRtaW46YWRtaW4="]), ("empty bearer", [.authorization: "Bearer "]),
                ("huge bearer", [.authorization: "Bearer as_" + String(repeating: "x", count: 8_000)]),
            ]
            for op in operations where !op.public_ {
                for (name, header) in headers {
                    try await attack(api, op, Targets(), key: "", headers: header, expected: 401, note: name)
                }
            }
        }
    }

    func roles() async throws {
        try await withServer { h, api, operations in
            let own = Targets()
            try await plant(api, key: h.agent, own, canary: "own")
            let bound = try await h.store.createAPIKey("acme", role: .agent, name: nil, userId: own.user).secret
            var targets = own
            targets.key = try await h.store.createAPIKey("acme", role: .agent, name: "spare", userId: nil).key.id
            let adminOnly: Set<String> = ["createKey", "listKeys", "revokeKey", "sweep", "putRetention", "runRetention", "exportUser", "eraseUser"]
            // Reads first, then writes, deletes last: each role meets the records standing.
            let ordered = operations.filter { !$0.public_ }.sorted { rank($0) < rank($1) }
            for op in ordered {
                for (role, key) in [("operator", h.operator), ("agent", h.agent), ("bound agent", bound), ("admin", h.admin)] {
                    try await attack(api, op, targets, key: key, secretsAllowed: op.id == "createKey" && role == "admin",
                                     expected: adminOnly.contains(op.id) && role != "admin" ? 403 : nil, note: "as \(role)")
                }
            }
        }
    }

    /// Whether `text` holds what looks like an API key secret: `as_` and 40 letters and digits.
    static func holdsSecret(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        while i + 43 <= bytes.count {
            if bytes[i] == UInt8(ascii: "a"), bytes[i + 1] == UInt8(ascii: "s"), bytes[i + 2] == UInt8(ascii: "_"),
                bytes[(i + 3)..<(i + 43)].allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) })
            {
                return true
            }
            i += 1
        }
        return false
    }

    func rank(_ op: Operation) -> Int {
        switch op.method {
        case .get: 0
        case .delete: 2
        default: 1
        }
    }

    func idempotencyAcrossKeys() async throws {
        try await withServer { h, api, operations in
            let own = Targets()
            try await plant(api, key: h.agent, own, canary: "own")
            let bound = try await h.store.createAPIKey("acme", role: .agent, name: nil, userId: own.user).secret
            let secondAgent = try await h.store.createAPIKey("acme", role: .agent, name: nil).secret
            let theirAdmin = try await h.store.createAPIKey("globex", role: .admin, name: nil).secret
            var targets = own
            targets.key = try await h.store.createAPIKey("acme", role: .agent, name: "spare").key.id
            let replayed = HTTPField.Name("Idempotent-Replayed")!
            for op in operations where op.writes && !op.public_ && op.method != .delete {
                let header: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "adversary-\(op.id)"]
                let first = try await attack(api, op, targets, key: h.admin, headers: header, secretsAllowed: op.id == "createKey", note: "first, as admin")
                for (who, key) in [("operator", h.operator), ("agent", h.agent), ("second agent", secondAgent), ("bound agent", bound),
                                   ("another tenant's admin", theirAdmin)] {
                    // Another tenant's admin makes a key of its own: a secret, but a new one.
                    let r = try await attack(api, op, targets, key: key, headers: header, secretsAllowed: op.id == "createKey" && key == theirAdmin,
                                             note: "same key, as \(who)")
                    if r.headers[replayed] != nil { tally.record("replayed to \(who): \(op) → \(r.status)", \.leaks) }
                }
                let again = try await attack(api, op, targets, key: h.admin, headers: header, secretsAllowed: false, note: "again, as admin")
                if first.status < 300, op.id != "createKey", again.headers[replayed] != "true" {
                    tally.record("expected a replay: \(op) → \(again.status) \(again.text.prefix(120))", \.mismatches)
                }
            }
        }
    }

    func mutatedBodies() async throws {
        try await withServer { h, api, operations in
            let own = Targets()
            try await plant(api, key: h.agent, own, canary: "own")
            var targets = own
            targets.key = try await h.store.createAPIKey("acme", role: .agent, name: "spare").key.id
            let limits = ServerConfiguration.Limits()
            for op in operations where op.body != nil && !op.public_ {
                for mutation in Mutation.all(of: op, maxBody: limits.maxBodyBytes, maxDepth: limits.maxJSONDepth) {
                    try await attack(api, op, targets, key: h.admin, body: mutation.bytes, secretsAllowed: op.id == "createKey",
                                     expected: mutation.expected, note: mutation.name)
                }
            }
        }
    }

    @Test("every operation of the document, attacked: no leak, no 5xx, every error a problem document; prints the tally",
          arguments: ["memory", "sqlite"])
    func adversarialSuite(backend: String) async throws {
        var suite = self
        suite.backend = backend
        try await suite.attackEverything()
    }

    func attackEverything() async throws {
        // Each phase on a server and store of its own, so no phase's writes stand in another's way.
        try await otherTenant()
        try await otherUser()
        try await badKeys()
        try await roles()
        try await idempotencyAcrossKeys()
        try await mutatedBodies()
        let c = tally.counts.withLock { $0 }
        // The test command prints this line under the Swift suite: calls, leaks, 5xx, non-problem errors, unexpected statuses.
        print("ADVERSARIAL|\(backend)|\(c.calls)|\(c.leaks)|\(c.serverErrors)|\(c.nonProblems)|\(c.mismatches)")
        #expect(c.calls > 2_000, "the suite made \(c.calls) calls")
        #expect(c.leaks == 0 && c.serverErrors == 0 && c.nonProblems == 0 && c.mismatches == 0, "\(c.failures.joined(separator: "\n"))")
    }
}
