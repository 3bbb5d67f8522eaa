import AgentState
import Foundation
import HTTPTypes
import Testing

/// Input the server could only take by changing it is refused, and the refusal names the field.
@Suite("API: input refused, never changed")
struct InputRefusalTests {
    @Test("invalid UTF-8 in a string field is 400 naming the field, and nothing is stored", arguments: [
        ("/v1/sessions/s/messages", #"{"messages":[{"role":"user","content":"ok"},{"role":"user","content":"BAD"}]}"#, "messages[1].content"),
        ("/v1/sessions", #"{"id":"t","title":"BAD"}"#, "title"),
        ("/v1/memory/u/facts/k", #"{"value":1,"text":"BAD"}"#, "text"),
        ("/v1/runs", #"{"workflow":"wf","input":{"note":["BAD"]}}"#, "input.note[0]"),
    ])
    func invalidUTF8(path: String, template: String, field: String) async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s"}"#)
            // A lone continuation byte and an overlong encoding of '/', both not UTF-8.
            for bad: [UInt8] in [[0x61, 0x80, 0x62], [0xC0, 0xAF]] {
                var bytes: [UInt8] = []
                let parts = template.components(separatedBy: "BAD")
                bytes += Array(parts[0].utf8) + bad + Array(parts[1].utf8)
                let method: HTTPRequest.Method = path.hasPrefix("/v1/memory") ? .put : .post
                let r = try await api.call(method, path, bytes: bytes)
                #expect(r.status == 400 && r["code"] == "malformed_json" && r["field"] == .string(field), "\(r.text)")
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            #expect(try await api.call(.get, "/v1/sessions/s/messages")["messages"]?.array?.isEmpty == true)
            #expect(try await api.call(.get, "/v1/sessions/t").status == 404)
            #expect(try await api.call(.get, "/v1/memory/u/facts/k").status == 404)
            #expect(try await api.call(.get, "/v1/runs")["items"]?.array?.isEmpty == true)
        }
    }

    @Test("valid UTF-8 beyond ASCII is kept exactly")
    func validUTF8() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s"}"#)
            let text = "naïve café — 東京 🚀 \u{10FFFF}"
            #expect(try await api.call(.post, "/v1/sessions/s/messages", #"{"messages":[{"role":"user","content":"\#(text)"}]}"#).status == 201)
            #expect(try await api.call(.get, "/v1/sessions/s/messages")["messages"]?.array?.first?["content"] == .string(text))
        }
    }

    @Test("an integer field out of the 64-bit range is 422 on both sides, not clamped")
    func integerRange() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s"}"#)
            for n in ["-9223372036854775809", "9223372036854775808", "-1e19", "1e300"] {
                let r = try await api.call(.post, "/v1/sessions/s/messages",
                                           #"{"messages":[{"role":"user","content":"x"}],"expected_last_seq":\#(n)}"#)
                #expect(r.status == 422 && r["field"] == "expected_last_seq", "\(n): \(r.text)")
            }
            #expect(try await api.call(.get, "/v1/sessions/s/messages")["messages"]?.array?.isEmpty == true)
        }
    }

    @Test("a key given twice in one object is refused, not resolved by picking one")
    func duplicateKeys() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let r = try await api.call(.post, "/v1/runs", #"{"workflow":"a","input":{"x":1,"x":2}}"#)
            #expect(r.status == 400 && r["field"] == "input.x", "\(r.text)")
        }
    }

    @Test("query parameters are checked as the OpenAPI document declares them", arguments: [
        ("/v1/runs/r/events?after_seq=-5", "after_seq", 422),
        ("/v1/approvals?overdue=maybe", "overdue", 422),
        ("/v1/runs?limit=5000", "limit", 422),
        ("/v1/runs?limit=0", "limit", 422),
        ("/v1/runs?limit=ten", "limit", 422),
        ("/v1/runs?limit=5&limit=6", "limit", 422),
        ("/v1/runs?status=sleeping", "status", 422),
        ("/v1/runs?updated_before=yesterday", "updated_before", 422),
        ("/v1/audit?changes_only=1", "changes_only", 422),
        ("/v1/runs?owner=%FF", "owner", 400),
    ])
    func queryParameters(uri: String, field: String, status: Int) async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            let r = try await api.call(.get, uri, key: h.admin)
            #expect(r.status == status && r["field"] == .string(field), "\(uri): \(r.text)")
            #expect(r.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("good query parameters still pass, and ones the operation does not declare are left alone")
    func goodQueries() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            for uri in ["/v1/runs/r/events?after_seq=0&limit=1000", "/v1/approvals?overdue=true", "/v1/runs?status=created&limit=1",
                        "/v1/runs?updated_before=2030-01-01T00:00:00Z", "/v1/runs?owner=%C3%A9", "/v1/runs?utm=whatever"] {
                #expect(try await api.call(.get, uri, key: h.admin).status == 200, "\(uri)")
            }
        }
    }

    @Test("the Bearer scheme is case-insensitive")
    func bearerCase() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            for scheme in ["bearer", "BEARER", "Bearer"] {
                let r = try await api.call(.get, "/v1/whoami", key: h.agent, headers: [.authorization: "\(scheme) \(h.agent)"])
                #expect(r.status == 200, "\(scheme)")
            }
            #expect(try await api.call(.get, "/v1/whoami", headers: [.authorization: "Basic \(h.agent)"]).status == 401)
            #expect(try await api.call(.get, "/v1/whoami", headers: [.authorization: "Bearer"]).status == 401)
        }
    }
}
