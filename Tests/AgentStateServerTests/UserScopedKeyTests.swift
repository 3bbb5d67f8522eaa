import AgentState
import Foundation
import HTTPTypes
import Testing

/// A key bound to one user of a tenant (seed 001: user A can never see user B's state).
@Suite("API: keys bound to a user")
struct UserScopedKeyTests {
    /// Bob's records, made with the tenant-wide agent key, and a key bound to Ann.
    func setUp(_ h: APIHarness, _ api: APIHarness.Client) async throws -> String {
        let made = try await api.call(.post, "/v1/keys", #"{"role":"agent","name":"ann's agent","user_id":"ann"}"#, key: h.admin)
        #expect(made.status == 201 && made["key"]?["user_id"] == "ann", "\(made.text)")
        _ = try await api.call(.post, "/v1/sessions", #"{"id":"bob-s","user_id":"bob"}"#)
        _ = try await api.call(.post, "/v1/sessions/bob-s/messages", #"{"messages":[{"role":"user","content":"bob's secret plan"}]}"#)
        _ = try await api.call(.post, "/v1/runs", #"{"id":"bob-r","workflow":"wf","user_id":"bob","session_id":"bob-s"}"#)
        _ = try await api.call(.post, "/v1/runs/bob-r/transitions", #"{"to":"running"}"#)
        let approval = try await api.call(.post, "/v1/runs/bob-r/approvals", #"{"id":"bob-a","approver":"lead","reason":"bob's refund"}"#)
        #expect(approval.status == 201, "\(approval.text)")
        _ = try await api.call(.put, "/v1/memory/bob/facts/k", #"{"value":"bob likes tea"}"#)
        return try #require(made["secret"]?.stringValue)
    }

    @Test("another user's records are 404 to a bound key, word for word as a record that does not exist")
    func otherUsersAreNotFound() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let ann = try await setUp(h, api)
            let pairs: [(HTTPRequest.Method, String, String, String?)] = [
                (.get, "/v1/sessions/bob-s", "/v1/sessions/nobody-s", nil),
                (.get, "/v1/sessions/bob-s/messages", "/v1/sessions/nobody-s/messages", nil),
                (.post, "/v1/sessions/bob-s/messages", "/v1/sessions/nobody-s/messages", #"{"messages":[{"role":"user","content":"x"}]}"#),
                (.patch, "/v1/sessions/bob-s", "/v1/sessions/nobody-s", #"{"title":"mine now"}"#),
                (.delete, "/v1/sessions/bob-s", "/v1/sessions/nobody-s", nil),
                (.get, "/v1/sessions/bob-s/runs", "/v1/sessions/nobody-s/runs", nil),
                (.get, "/v1/runs/bob-r", "/v1/runs/nobody-r", nil),
                (.get, "/v1/runs/bob-r/events", "/v1/runs/nobody-r/events", nil),
                (.post, "/v1/runs/bob-r/transitions", "/v1/runs/nobody-r/transitions", #"{"to":"cancelled"}"#),
                (.put, "/v1/runs/bob-r/steps/s", "/v1/runs/nobody-r/steps/s", #"{"status":"running"}"#),
                (.get, "/v1/approvals/bob-a", "/v1/approvals/nobody-a", nil),
                (.get, "/v1/memory/bob/facts/k", "/v1/memory/nobody/facts/k", nil),
                (.put, "/v1/memory/bob/facts/k", "/v1/memory/nobody/facts/k", #"{"value":"overwritten"}"#),
                (.get, "/v1/events/stream?session_id=bob-s", "/v1/events/stream?session_id=nobody-s", nil),
            ]
            for (method, theirs, missing, body) in pairs {
                let r = try await api.call(method, theirs, body, key: ann)
                let m = try await api.call(method, missing, body, key: ann)
                #expect(r.status == 404 && m.status == 404, "\(method) \(theirs): \(r.status) \(r.text)")
                let normalize = { (text: String) in
                    text.replacingOccurrences(of: "bob", with: "X").replacingOccurrences(of: "nobody", with: "X")
                }
                #expect(normalize(r.text) == normalize(m.text), "\(method) \(theirs): \(r.text) against \(m.text)")
                #expect(!r.text.contains("secret plan") && !r.text.contains("tea") && !r.text.contains("refund"))
            }
            // Nothing of Bob's changed.
            let bob = try await api.call(.get, "/v1/sessions/bob-s")
            #expect(bob.status == 200 && bob["title"] == nil && bob["last_seq"] == .int(1), "\(bob.text)")
            #expect(try await api.call(.get, "/v1/memory/bob/facts/k")["value"] == "bob likes tea")
            #expect(try await api.call(.get, "/v1/runs/bob-r")["status"] == "waiting_for_approval")
        }
    }

    @Test("lists hold only the caller's user's records; another user's list is empty")
    func lists() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let ann = try await setUp(h, api)
            #expect(try await api.call(.post, "/v1/sessions", #"{"id":"ann-s"}"#, key: ann)["user_id"] == "ann", "a new session is Ann's")
            #expect(try await api.call(.post, "/v1/runs", #"{"id":"ann-r","workflow":"wf","session_id":"ann-s"}"#, key: ann)["user_id"] == "ann")
            _ = try await api.call(.post, "/v1/runs/ann-r/transitions", #"{"to":"running"}"#, key: ann)
            #expect(try await api.call(.post, "/v1/runs/ann-r/approvals", #"{"id":"ann-a","approver":"lead","reason":"ok?"}"#, key: ann).status == 201)
            #expect(try await api.call(.put, "/v1/memory/ann/facts/k", #"{"value":"ann likes coffee","text":"coffee"}"#, key: ann).status == 200)

            let ids = { (r: APIHarness.Client.Reply) in r["items"]?.array?.compactMap { $0["id"]?.stringValue } ?? [] }
            #expect(ids(try await api.call(.get, "/v1/sessions", key: ann)) == ["ann-s"])
            #expect(ids(try await api.call(.get, "/v1/sessions?user_id=bob", key: ann)).isEmpty)
            #expect(ids(try await api.call(.get, "/v1/runs", key: ann)) == ["ann-r"])
            #expect(ids(try await api.call(.get, "/v1/runs?user_id=bob", key: ann)).isEmpty)
            // A run of Bob's that a tenant-wide key hung off Ann's session stays out of her list.
            #expect(try await api.call(.post, "/v1/runs", #"{"id":"bob-on-ann","workflow":"wf","user_id":"bob","session_id":"ann-s"}"#).status == 201)
            #expect(ids(try await api.call(.get, "/v1/sessions/ann-s/runs", key: ann)) == ["ann-r"])
            #expect(Set(ids(try await api.call(.get, "/v1/sessions/ann-s/runs"))) == ["ann-r", "bob-on-ann"])
            #expect(ids(try await api.call(.get, "/v1/approvals", key: ann)) == ["ann-a"])
            #expect(try await api.call(.get, "/v1/memory/bob/facts", key: ann)["items"]?.array?.isEmpty == true)
            #expect(try await api.call(.post, "/v1/memory/bob/search", #"{"text":"tea"}"#, key: ann)["items"]?.array?.isEmpty == true)
            #expect(try await api.call(.post, "/v1/memory/ann/search", #"{"text":"coffee"}"#, key: ann)["items"]?.array?.count == 1)
            // The tenant's own keys still see everyone's.
            #expect(Set(ids(try await api.call(.get, "/v1/sessions"))) == ["ann-s", "bob-s"])
        }
    }

    @Test("a bound key cannot act for another user, nor reach what spans the tenant; only agent keys can be bound")
    func refusals() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let ann = try await setUp(h, api)
            let forBob = try await api.call(.post, "/v1/sessions", #"{"id":"x","user_id":"bob"}"#, key: ann)
            #expect(forBob.status == 403 && forBob["code"] == "forbidden", "\(forBob.text)")
            #expect(try await api.call(.post, "/v1/runs", #"{"workflow":"wf","user_id":"bob"}"#, key: ann).status == 403)
            let onBobsSession = try await api.call(.post, "/v1/runs", #"{"workflow":"wf","session_id":"bob-s"}"#, key: ann)
            #expect(onBobsSession.status == 404, "\(onBobsSession.text)")
            for (method, path, body) in [(HTTPRequest.Method.post, "/v1/runs/claim", #"{"worker":"w"}"#), (.get, "/v1/statistics", nil),
                                         (.get, "/v1/retention", nil), (.post, "/v1/keys", #"{"role":"agent"}"#)] {
                let r = try await api.call(method, path, body, key: ann)
                #expect(r.status == 403, "\(path): \(r.text)")
            }
            #expect(try await api.call(.get, "/v1/runs?limit=5", key: ann)["items"]?.array?.isEmpty == true)
            #expect(try await api.call(.get, "/v1/whoami", key: ann)["user_id"] == "ann")
            let boundOperator = try await api.call(.post, "/v1/keys", #"{"role":"operator","user_id":"ann"}"#, key: h.admin)
            #expect(boundOperator.status == 422 && boundOperator["field"] == "user_id", "\(boundOperator.text)")
            #expect(try await api.call(.post, "/v1/keys", #"{"role":"agent","user_id":"not ok"}"#, key: h.admin).status == 422)
        }
    }
}
