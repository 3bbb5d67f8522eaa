import AgentState
import AgentStateServer
import Foundation
import HTTPTypes
import Testing

@Suite("API: keys, roles, tenancy and problem documents")
struct AuthAndErrorsTests {
    @Test("no key, a wrong key or a revoked key is 401 with a problem document")
    func unauthorized() async throws {
        let h = try await APIHarness.make()
        let revoked = try await h.store.createAPIKey("acme", role: .agent, name: nil)
        _ = try await h.store.revokeAPIKey("acme", id: revoked.key.id)
        try await h.run { api in
            for key in ["", "as_wrong", revoked.secret] {
                let r = try await api.call(.get, "/v1/sessions", key: key)
                #expect(r.status == 401, "key \(key)")
                #expect(r.headers[.contentType] == "application/problem+json" && r.headers[.wwwAuthenticate] != nil)
                #expect(r["type"] == "urn:agentstate:problem:unauthorized" && r["status"] == 401 && r["title"] == "Unauthorized")
            }
            let live = try await api.call(.get, "/health/live", key: "")
            #expect(live.status == 200 && live.headers[.contentType] == "application/json")
            #expect(live["status"] == "ok" && live["store"] == "not checked")
            #expect(try await api.call(.get, "/health/ready", key: "").status == 200)
        }
    }

    @Test("the bearer scheme's name in any case, the key with blanks around it; a blank credential is 401")
    func bearerForms() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let key = h.agent
            for header in ["Bearer \(key)", "bearer \(key)", "BEARER  \t\(key) \t"] {
                let r = try await api.call(.get, "/v1/sessions", headers: [.authorization: header])
                #expect(r.status == 200, "\(header.debugDescription)")
            }
            for header in ["Bearer ", "Bearer  \t ", "Basic \(key)", "Bearer\(key)"] {
                let r = try await api.call(.get, "/v1/sessions", headers: [.authorization: header])
                #expect(r.status == 401, "\(header.debugDescription)")
            }
        }
    }

    @Test("each role may do its own work and is 403 elsewhere")
    func roles() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            #expect(try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#, key: h.operator).status == 403)
            #expect(try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#).status == 201)
            #expect(try await api.call(.get, "/v1/runs/r", key: h.operator).status == 200, "operators read")
            #expect(try await api.call(.post, "/v1/keys", #"{"role":"agent"}"#).status == 403, "agents do not make keys")
            #expect(try await api.call(.delete, "/v1/users/u1", key: h.operator).status == 403, "only admins erase")
            #expect(try await api.call(.post, "/v1/runs/r/transitions", #"{"to":"running"}"#, key: h.operator).status == 403)
            let cancel = try await api.call(.post, "/v1/runs/r/transitions", #"{"to":"cancelled","reason":"stuck"}"#, key: h.operator)
            #expect(cancel.status == 200 && cancel["status"] == "cancelled", "operators cancel")
            let made = try await api.call(.post, "/v1/keys", #"{"role":"operator","name":"night shift"}"#, key: h.admin)
            #expect(made.status == 201 && made["secret"]?.stringValue?.hasPrefix("as_") == true && made["key"]?["secret_hash"] == nil)
            let secret = try #require(made["secret"]?.stringValue)
            #expect(try await api.call(.get, "/v1/runs/r", key: secret).status == 200, "the new key works at once")
            let id = try #require(made["key"]?["id"]?.stringValue)
            #expect(try await api.call(.delete, "/v1/keys/\(id)", key: h.admin).status == 200)
            #expect(try await api.call(.get, "/v1/runs/r", key: secret).status == 401, "and stops at once when revoked")
        }
    }

    @Test("a key of one tenant sees nothing of another: 404, as if it did not exist")
    func tenancy() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            #expect(try await api.call(.post, "/v1/sessions", #"{"id":"s1"}"#).status == 201)
            #expect(try await api.call(.post, "/v1/runs", #"{"id":"r1","workflow":"wf"}"#).status == 201)
            let other = h.otherTenant
            #expect(try await api.call(.get, "/v1/sessions/s1", key: other).status == 404)
            #expect(try await api.call(.get, "/v1/sessions/zzz", key: other)["detail"] == "session 'zzz' not found")
            #expect(try await api.call(.post, "/v1/sessions/s1/messages", #"{"role":"user","content":"x"}"#, key: other).status == 404)
            #expect(try await api.call(.get, "/v1/runs/r1", key: other).status == 404)
            #expect(try await api.call(.post, "/v1/runs/r1/transitions", #"{"to":"cancelled"}"#, key: other).status == 404)
            #expect(try await api.call(.get, "/v1/runs", key: other)["items"] == [])
            #expect(try await api.call(.get, "/v1/sessions", key: other)["items"] == [])
            // A tenant named in the body is ignored: the key decides.
            let made = try await api.call(.post, "/v1/sessions", #"{"id":"s2","tenant_id":"acme"}"#, key: other)
            #expect(made["tenant_id"] == "globex")
            #expect(try await api.call(.get, "/v1/sessions/s2").status == 404)
        }
    }

    @Test("bad input is a 4xx problem naming the field, and changes nothing")
    func badInput() async throws {
        let h = try await APIHarness.make()
        var limits = ServerConfiguration.Limits()
        limits.maxBodyBytes = 4096
        try await h.run(limits: limits) { api in
            let bad = try await api.call(.post, "/v1/sessions", #"{"id":"a b"}"#)
            #expect(bad.status == 422 && bad["field"] == "id" && bad["code"] == "invalid_input")
            let typed = try await api.call(.post, "/v1/sessions", #"{"ttl_seconds":"soon"}"#)
            #expect(typed.status == 422 && typed["field"] == "ttl_seconds")
            let missing = try await api.call(.post, "/v1/runs", #"{"input":{}}"#)
            #expect(missing.status == 422 && missing["field"] == "workflow")
            #expect(try await api.call(.post, "/v1/sessions", #"{"id":"#).status == 400)
            #expect(try await api.call(.post, "/v1/sessions", "").status == 400)
            let large = try await api.call(.post, "/v1/sessions", #"{"title":""# + String(repeating: "x", count: 5000) + #""}"#)
            #expect(large.status == 413 && large["code"] == "body_too_large")
            let deep = try await api.call(.post, "/v1/runs", #"{"workflow":"wf","input":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}")
            #expect(deep.status == 422 && deep["field"] == "body")
            let page = try await api.call(.get, "/v1/runs?limit=5000")
            #expect(page.status == 422 && page["field"] == "limit")
            #expect(try await api.call(.get, "/v1/runs?status=sleeping")["field"] == "status")
            #expect(try await api.call(.get, "/v1/nowhere").status == 404)
            let wrongMethod = try await api.call(.put, "/v1/runs/r1")
            #expect(wrongMethod.status == 405 && wrongMethod.headers[.allow] == "DELETE, GET" && wrongMethod["code"] == "method_not_allowed")
            #expect(try await api.call(.delete, "/v1/sessions").headers[.allow] == "GET, POST")
            #expect(try await api.call(.get, "/v1/sessions")["items"] == [], "nothing was created")
            #expect(try await api.call(.get, "/v1/runs")["items"] == [])
        }
    }
}
