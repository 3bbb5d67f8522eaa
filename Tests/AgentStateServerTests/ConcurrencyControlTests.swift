import AgentState
import AgentStateServer
import Foundation
import HTTPTypes
import Synchronization
import Testing

@Suite("API: ETags, If-Match and Idempotency-Key")
struct ConcurrencyControlTests {
    @Test("a write with a stale If-Match is 412 and changes nothing")
    func ifMatch() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let made = try await api.call(.post, "/v1/sessions", #"{"id":"s","title":"one"}"#)
            #expect(made.headers[.eTag] == "\"1\"")
            let ok = try await api.call(.patch, "/v1/sessions/s", #"{"title":"two"}"#, headers: [.ifMatch: "\"1\""])
            #expect(ok.status == 200 && ok.headers[.eTag] == "\"2\"")
            let stale = try await api.call(.patch, "/v1/sessions/s", #"{"title":"lost"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == 412 && stale["current"] == "2" && stale["field"] == "If-Match")
            #expect(try await api.call(.get, "/v1/sessions/s")["title"] == "two")
            #expect(try await api.call(.patch, "/v1/sessions/s", #"{"title":"x"}"#, headers: [.ifMatch: "yesterday"]).status == 422)
            // The context document has the session's version as its tag.
            let ctx = try await api.call(.patch, "/v1/sessions/s/context", #"{"goal":"refund"}"#, headers: [.ifMatch: "\"2\""])
            #expect(ctx.status == 200 && ctx["context"] == ["goal": "refund"] && ctx.headers[.eTag] == "\"3\"")
            #expect(try await api.call(.patch, "/v1/sessions/s/context", #"{"goal":null}"#, headers: [.ifMatch: "\"2\""]).status == 412)
            // Without If-Match a body's expected version still gives 409.
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            let conflict = try await api.call(.post, "/v1/runs/r/transitions", #"{"to":"running","expected_version":7}"#)
            #expect(conflict.status == 409 && conflict["code"] == "version_conflict" && conflict["current"] == "1")
        }
    }

    @Test("the same Idempotency-Key and body replays the first response; another body is 422")
    func idempotency() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "create-run-1"]
            let first = try await api.call(.post, "/v1/runs", #"{"workflow":"wf"}"#, headers: key)
            let again = try await api.call(.post, "/v1/runs", #"{"workflow":"wf"}"#, headers: key)
            #expect(first.status == 201 && again.status == 201)
            #expect(first.text == again.text && again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(again.headers[.eTag] == first.headers[.eTag] && again.headers[.location] == first.headers[.location])
            #expect(try await api.call(.get, "/v1/runs")["items"]?.array?.count == 1, "one run, not two")
            let other = try await api.call(.post, "/v1/runs", #"{"workflow":"other"}"#, headers: key)
            #expect(other.status == 422 && other["code"] == "idempotency_key_reused")
            // A refused request is refused the same way again.
            let bad: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "bad-1"]
            let refused = try await api.call(.post, "/v1/runs", #"{"workflow":"no good"}"#, headers: bad)
            let refusedAgain = try await api.call(.post, "/v1/runs", #"{"workflow":"no good"}"#, headers: bad)
            #expect(refused.status == 422 && refusedAgain.status == 422 && refused.text == refusedAgain.text)
            // Keys belong to a tenant.
            let theirs = try await api.call(.post, "/v1/runs", #"{"workflow":"wf"}"#, key: h.otherTenant, headers: key)
            #expect(theirs.status == 201 && theirs.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
        }
    }

    @Test("an answer is replayed while it waits to be written, and by the next server once it stopped")
    func answersOutliveTheServer() async throws {
        let h = try await APIHarness.make(sqlite: true)
        let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "turn-1"]
        let body = #"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}"#
        let first = Mutex("")
        try await h.run { api in
            #expect(try await api.call(.post, "/v1/sessions", #"{"id":"chat"}"#).status == 201)
            let sent = try await api.call(.post, "/v1/sessions/chat/messages", body, headers: key)
            // Asked again at once: the answer may not be in the store yet, and is the same either way.
            let again = try await api.call(.post, "/v1/sessions/chat/messages", body, headers: key)
            #expect(sent.status == 201 && again.status == 201 && again.text == sent.text)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            first.withLock { $0 = sent.text }
        }
        try await h.reopened().run { api in
            let later = try await api.call(.post, "/v1/sessions/chat/messages", body, headers: key)
            #expect(later.status == 201 && later.text == first.withLock { $0 } && later.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await api.call(.get, "/v1/sessions/chat/messages?tail=10")["messages"]?.array?.count == 2, "appended once")
        }
    }

    @Test("one Idempotency-Key sent eight times at once: appended once; each answer is that append or 'in progress'")
    func sameKeyAtOnce() async throws {
        let h = try await APIHarness.make(sqlite: true)
        try await h.run { api in
            #expect(try await api.call(.post, "/v1/sessions", #"{"id":"chat"}"#).status == 201)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "turn-1"]
            let body = #"{"messages":[{"role":"user","content":"hi"}]}"#
            let answers = try await withThrowingTaskGroup(of: APIHarness.Client.Reply.self) { group in
                for _ in 0..<8 { group.addTask { try await api.call(.post, "/v1/sessions/chat/messages", body, headers: key) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let applied = answers.filter { $0.status == 201 }
            #expect(!applied.isEmpty && Set(applied.map(\.text)).count == 1, "every 201 is the one append's answer")
            #expect(answers.allSatisfy { $0.status == 201 || ($0.status == 409 && $0["code"] == "idempotency_key_in_progress") },
                    "\(answers.map(\.status))")
            #expect(try await api.call(.get, "/v1/sessions/chat/messages?tail=10")["messages"]?.array?.count == 1, "appended once")
            let later = try await api.call(.post, "/v1/sessions/chat/messages", body, headers: key)
            #expect(later.status == 201 && later.text == applied.first?.text && later.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
        }
    }

    @Test("an answer larger than the kept size is not stored twice: its replay says the request was applied, and it is not run again")
    func largeAnswers() async throws {
        let h = try await APIHarness.make()
        let value = String(repeating: "v", count: 2000)
        let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "put-1"]
        try await h.run { api in
            let first = try await api.call(.put, "/v1/memory/ann/notes/n1", #"{"value":"\#(value)"}"#, headers: key)
            #expect(first.status == 201 || first.status == 200)
            let again = try await api.call(.put, "/v1/memory/ann/notes/n1", #"{"value":"\#(value)"}"#, headers: key)
            #expect(again.status == 409 && again["code"] == "idempotency_key_applied" && again["field"] == "Idempotency-Key")
            #expect(try await api.call(.get, "/v1/memory/ann/notes/n1")["version"] == 1, "written once")
        }
        var limits = ServerConfiguration.Limits()
        limits.keptAnswerBytes = 8192
        try await h.run(limits: limits) { api in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "put-2"]
            let first = try await api.call(.put, "/v1/memory/ann/notes/n2", #"{"value":"\#(value)"}"#, headers: key)
            let again = try await api.call(.put, "/v1/memory/ann/notes/n2", #"{"value":"\#(value)"}"#, headers: key)
            #expect(again.status == first.status && again.text == first.text && again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true",
                    "kept under a larger limit")
        }
    }

    @Test("lists page with cursors")
    func paging() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            for i in 0..<5 {
                _ = try await api.call(.post, "/v1/sessions", #"{"id":"s\#(i)"}"#)
                h.clock.advance(by: 1)
            }
            var seen: [String] = []
            var uri = "/v1/sessions?limit=2"
            while true {
                let page = try await api.call(.get, uri)
                seen += page["items"]?.array?.compactMap { $0["id"]?.stringValue } ?? []
                guard let next = page["next_cursor"]?.stringValue else { break }
                uri = "/v1/sessions?limit=2&cursor=\(next)"
            }
            #expect(seen == ["s4", "s3", "s2", "s1", "s0"])
        }
    }
}
