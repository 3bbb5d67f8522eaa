import AgentState
import Foundation
import HTTPTypes
import Testing

/// Idempotency-Key as an attacker meets it: a key's record is its own, nothing is looked up
/// before the caller is authorized, and no refusal or secret is ever kept to be replayed.
@Suite("API: Idempotency-Key across keys and roles")
struct IdempotencyScopeTests {
    static let idempotency = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    func key(_ value: String) -> HTTPFields { [Self.idempotency: value] }

    @Test("a key made with an Idempotency-Key is never replayed: another role gets 403, its maker 409 without the secret")
    func keyCreationIsNotReplayed() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let body = #"{"role":"admin","name":"ops"}"#
            let made = try await api.call(.post, "/v1/keys", body, key: h.admin, headers: key("new-ops-key"))
            #expect(made.status == 201 && made.headers[.cacheControl] == "no-store")
            let secret = try #require(made["secret"]?.stringValue)

            let agent = try await api.call(.post, "/v1/keys", body, key: h.agent, headers: key("new-ops-key"))
            #expect(agent.status == 403 && agent["code"] == "forbidden", "\(agent.text)")
            #expect(!agent.text.contains(secret) && agent.headers[Self.replayed] == nil)

            let again = try await api.call(.post, "/v1/keys", body, key: h.admin, headers: key("new-ops-key"))
            #expect(again.status == 409 && again["code"] == "idempotency_key_applied", "\(again.text)")
            #expect(!again.text.contains(secret) && !again.text.contains("as_"))
            let keys = try await api.call(.get, "/v1/keys", key: h.admin)
            #expect(keys["items"]?.array?.filter { $0["name"] == "ops" }.count == 1, "the retry made no second key")
        }
    }

    @Test("a refusal is not kept: an operator's 403 is not replayed to an agent, whose append then happens")
    func refusalIsNotKept() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s"}"#)
            let append = #"{"messages":[{"role":"user","content":"turn 7"}]}"#
            let refused = try await api.call(.post, "/v1/sessions/s/messages", append, key: h.operator, headers: key("turn-7"))
            #expect(refused.status == 403)
            let agent = try await api.call(.post, "/v1/sessions/s/messages", append, key: h.agent, headers: key("turn-7"))
            #expect(agent.status == 201 && agent.headers[Self.replayed] == nil, "\(agent.text)")
            #expect(try await api.call(.get, "/v1/sessions/s/messages")["messages"]?.array?.count == 1)
        }
    }

    @Test("another key's same Idempotency-Key is another request; the same key's is a replay")
    func scopedToTheKey() async throws {
        let h = try await APIHarness.make()
        let second = try await h.store.createAPIKey("acme", role: .agent, name: "second").secret
        try await h.run { api in
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s"}"#)
            let append = #"{"messages":[{"role":"user","content":"hello"}]}"#
            let mine = try await api.call(.post, "/v1/sessions/s/messages", append, key: h.agent, headers: key("k"))
            let theirs = try await api.call(.post, "/v1/sessions/s/messages", append, key: second, headers: key("k"))
            #expect(mine.status == 201 && theirs.status == 201 && theirs.headers[Self.replayed] == nil)
            #expect(mine["last_seq"] == .int(1) && theirs["last_seq"] == .int(2))
            let retry = try await api.call(.post, "/v1/sessions/s/messages", append, key: h.agent, headers: key("k"))
            #expect(retry.status == 201 && retry.headers[Self.replayed] == "true" && retry.text == mine.text)
            #expect(try await api.call(.get, "/v1/sessions/s/messages")["messages"]?.array?.count == 2)
        }
    }

    @Test("a 404 is not kept: the same key works once the session exists")
    func notFoundIsNotKept() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let append = #"{"messages":[{"role":"user","content":"early"}]}"#
            #expect(try await api.call(.post, "/v1/sessions/later/messages", append, headers: key("early-1")).status == 404)
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"later"}"#)
            let now = try await api.call(.post, "/v1/sessions/later/messages", append, headers: key("early-1"))
            #expect(now.status == 201 && now.headers[Self.replayed] == nil, "\(now.text)")
        }
    }

    @Test("an Idempotency-Key without a valid key is 401, and nothing is reserved")
    func unauthenticated() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let body = #"{"workflow":"wf"}"#
            #expect(try await api.call(.post, "/v1/runs", body, key: "as_nothing", headers: key("r-1")).status == 401)
            let made = try await api.call(.post, "/v1/runs", body, headers: key("r-1"))
            #expect(made.status == 201 && made.headers[Self.replayed] == nil, "\(made.text)")
        }
    }
}
