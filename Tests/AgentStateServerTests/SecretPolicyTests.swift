import AgentState
import Foundation
import HTTPTypes
import Testing

@Suite("API: credentials in what agents store")
struct SecretPolicyTests {
    static let key = "AKIAIOSFODNN7EXAMPLE"

    @Test("by default a credential in a message is stored as a marker, the response says so, and /metrics counts it")
    func redactedByDefault() async throws {
        let h = try await APIHarness.make()
        try await h.run { c in
            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"s"}"#).status == 201)
            let appended = try await c.call(.post, "/v1/sessions/s/messages", #"{"messages":[{"role":"user","content":"my key: \#(Self.key)"}]}"#)
            #expect(appended.status == 201)
            #expect(!appended.text.contains(Self.key) && appended.text.contains("[REDACTED:aws_access_key]"), "\(appended.text)")
            let read = try await c.call(.get, "/v1/sessions/s/messages?last=5")
            #expect(!read.text.contains(Self.key) && read.text.contains("agentstate.redacted"), "\(read.text)")
            let metrics = try await c.call(.get, "/metrics", key: "")
            #expect(metrics.text.contains(#"agentstate_secrets_total{kind="aws_access_key",action="redacted"} 1"#) ||
                    metrics.text.contains(#"agentstate_secrets_total{action="redacted",kind="aws_access_key"} 1"#), "\(metrics.text)")
        }
        #expect(try await h.store.messages("acme", "s", .last(5)).messages[0].content == "my key: [REDACTED:aws_access_key]")
    }

    @Test("with the reject policy the write is a 422 naming the field and the kind, without the value, and nothing is stored")
    func rejected() async throws {
        let h = try await APIHarness.make()
        try await h.run(secrets: .reject) { c in
            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"s"}"#).status == 201)
            let refused = try await c.call(.post, "/v1/sessions/s/messages", #"{"messages":[{"role":"user","content":"my key: \#(Self.key)"}]}"#)
            #expect(refused.status == 422 && refused["field"] == "messages[0].content", "\(refused.text)")
            #expect(refused.text.contains("aws_access_key") && !refused.text.contains(Self.key))
        }
        #expect(try await h.store.messages("acme", "s", .last(5)).messages.isEmpty)
    }
}
