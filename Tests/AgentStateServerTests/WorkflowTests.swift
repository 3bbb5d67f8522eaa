import AgentState
import Foundation
import HTTPTypes
import Testing

@Suite("API: conversations, runs, approvals and memory end to end")
struct WorkflowTests {
    @Test("a conversation: append, read the window, patch the context, compact")
    func conversation() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            #expect(try await api.call(.post, "/v1/sessions", #"{"id":"chat","user_id":"ann","ttl_seconds":3600}"#).status == 201)
            let one = try await api.call(.post, "/v1/sessions/chat/messages", #"{"role":"system","content":"Be brief."}"#)
            #expect(one.status == 201 && one["last_seq"] == 1)
            let turn = try await api.call(.post, "/v1/sessions/chat/messages", #"""
                {"expected_last_seq": 1, "messages": [
                  {"role":"user","content":"Weather in Oslo?"},
                  {"role":"assistant","content":"","tool_calls":[{"id":"c1","name":"weather","arguments":"{\"city\":\"Oslo\"}"}]},
                  {"role":"tool","content":"3C","tool_call_id":"c1"},
                  {"role":"assistant","content":"3 degrees."}]}
                """#)
            #expect(turn.status == 201 && turn["last_seq"] == 5)
            let stale = try await api.call(.post, "/v1/sessions/chat/messages", #"{"expected_last_seq":1,"messages":[{"role":"user","content":"x"}]}"#)
            #expect(stale.status == 409 && stale["current"] == "5")
            let window = try await api.call(.get, "/v1/sessions/chat/messages?last=2")
            #expect(window["messages"]?.array?.compactMap { $0["seq"]?.int } == [1, 5])
            #expect(try await api.call(.get, "/v1/sessions/chat/messages?max_tokens=1000")["messages"]?.array?.count == 5)
            #expect(try await api.call(.get, "/v1/sessions/chat/messages?after_seq=3&limit=10")["messages"]?.array?.count == 2)
            let call = try await api.call(.get, "/v1/sessions/chat/messages?after_seq=2&limit=1")
            #expect(call["messages"]?.array?.first?["tool_calls"]?.array?.first?["name"] == "weather")
            let ctx = try await api.call(.patch, "/v1/sessions/chat/context", #"{"city":"Oslo","facts":{"unit":"C"}}"#)
            #expect(ctx["context"] == ["city": "Oslo", "facts": ["unit": "C"]])
            #expect(try await api.call(.get, "/v1/sessions/chat/context")["context"]?["city"] == "Oslo")
            let compacted = try await api.call(.post, "/v1/sessions/chat/compact", #"{"summary":"Asked about Oslo weather.","through_seq":4}"#)
            #expect(compacted.status == 200 && compacted["summary"]?["through_seq"] == 4)
            let after = try await api.call(.get, "/v1/sessions/chat/messages?last=20")
            #expect(after["summary"]?["text"] == "Asked about Oslo weather." && after["messages"]?.array?.compactMap { $0["seq"]?.int } == [1, 5])
            // An adapter's read: the newest raw messages, with the session's context and version, in one round trip.
            let tail = try await api.call(.get, "/v1/sessions/chat/messages?tail=3&include=session")
            #expect(tail.status == 200 && tail["messages"]?.array?.compactMap { $0["seq"]?.int } == [3, 4, 5] && tail["summary"] == nil)
            #expect(tail["session"]?["context"]?["city"] == "Oslo" && tail["session"]?["version"] == compacted["version"])
            #expect(try await api.call(.get, "/v1/sessions/chat/messages?tail=3")["session"] == nil, "the session only when asked for")
            let wrong = try await api.call(.get, "/v1/sessions/chat/messages?tail=3&include=everything")
            #expect(wrong.status == 422 && wrong["field"] == "include")
            let events = try await api.call(.get, "/v1/sessions/chat/events")
            #expect(events["items"]?.array?.compactMap { $0["type"]?.stringValue } == ["session.created", "context.patched", "session.compacted"])
            #expect(try await api.call(.post, "/v1/sessions/chat/close").status == 200)
            #expect(try await api.call(.delete, "/v1/sessions/chat").status == 204)
            #expect(try await api.call(.get, "/v1/sessions/chat").status == 404)
        }
    }

    @Test("a run: claim, steps, one effect under two workers, approval by an operator, resume, history")
    func run() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            #expect(try await api.call(.post, "/v1/runs", #"{"id":"refund","workflow":"refund","input":{"order":1001},"owner":"bot"}"#).status == 201)
            let claim = try await api.call(.post, "/v1/runs/claim", #"{"worker":"w1","lease_seconds":30}"#)
            #expect(claim.status == 200 && claim["run"]?["status"] == "running")
            let token = try #require(claim["lease"]?["token"]?.int)
            #expect(try await api.call(.post, "/v1/runs/claim", #"{"worker":"w2"}"#).status == 204, "nothing else to claim")

            let step = try await api.call(.put, "/v1/runs/refund/steps/lookup", #"{"status":"completed","result":{"amount":120},"fencing_token":\#(token)}"#)
            #expect(step.status == 200 && step["attempts"] == 1)
            let stale = try await api.call(.put, "/v1/runs/refund/steps/pay", #"{"status":"running","fencing_token":\#(token - 1)}"#)
            #expect(stale.status == 409 && stale["code"] == "lease_lost")

            // Two workers race to send the same email: one does it.
            let a = try await api.call(.post, "/v1/runs/refund/effects/email/begin", #"{"holder":"w1"}"#)
            let b = try await api.call(.post, "/v1/runs/refund/effects/email/begin", #"{"holder":"w2"}"#)
            #expect(a["outcome"] == "acquired" && b["outcome"] == "in_progress")
            let attempt = try #require(a["effect"]?["attempt_token"]?.int)
            let done = try await api.call(.post, "/v1/runs/refund/effects/email/complete", #"{"attempt_token":\#(attempt),"external_id":"msg-9","result":{"ok":true}}"#)
            #expect(done["status"] == "completed")
            let c = try await api.call(.post, "/v1/runs/refund/effects/email/begin", #"{"holder":"w3"}"#)
            #expect(c["outcome"] == "completed" && c["effect"]?["external_id"] == "msg-9")

            _ = try await api.call(.post, "/v1/runs/refund/checkpoints", #"{"step":"lookup","state":{"amount":120}}"#)
            let cp = try await api.call(.post, "/v1/runs/refund/checkpoints", #"{"step":"lookup","patch":{"approved":false}}"#)
            #expect(cp.status == 201 && cp["state"] == ["amount": 120, "approved": false] && cp["kind"] == "patch")
            #expect(try await api.call(.post, "/v1/runs/refund/checkpoints", #"{"state":{},"patch":{}}"#).status == 422)

            let approval = try await api.call(.post, "/v1/runs/refund/approvals",
                                              #"{"id":"apr-1","approver":"lead","reason":"Refund 120 EUR","timeout_seconds":3600,"fencing_token":\#(token)}"#)
            #expect(approval.status == 201 && approval["status"] == "pending")
            let pending = try await api.call(.get, "/v1/approvals?status=pending&approver=lead", key: h.operator)
            #expect(pending["items"]?.array?.compactMap { $0["id"]?.stringValue } == ["apr-1"])
            #expect(try await api.call(.post, "/v1/approvals/apr-1/decision", #"{"decision":"approved","by":"lead"}"#).status == 403,
                    "agents do not decide")
            let decided = try await api.call(.post, "/v1/approvals/apr-1/decision", #"{"decision":"approved","by":"lead","comment":"ok"}"#,
                                             key: h.operator, headers: [.ifMatch: "\"1\""])
            #expect(decided.status == 200 && decided["status"] == "approved")

            let resumed = try await api.call(.post, "/v1/runs/claim", #"{"worker":"w2","workflow":"refund"}"#)
            #expect(resumed["run"]?["current_step"] == "lookup" && resumed["lease"]?["token"]?.int == token + 1)
            let token2 = try #require(resumed["lease"]?["token"]?.int)
            #expect(try await api.call(.post, "/v1/runs/refund/lease/renew", #"{"token":\#(token2),"lease_seconds":60}"#).status == 200)
            #expect(try await api.call(.post, "/v1/runs/refund/usage", #"{"tokens_in":100,"tokens_out":20}"#)["usage"]?["tokens_in"] == 100)
            let finished = try await api.call(.post, "/v1/runs/refund/transitions", #"{"to":"completed","output":{"refunded":120},"fencing_token":\#(token2)}"#)
            #expect(finished["status"] == "completed")
            #expect(try await api.call(.post, "/v1/runs/refund/transitions", #"{"to":"running"}"#)["current"] == "completed")

            let events = try await api.call(.get, "/v1/runs/refund/events?limit=500")
            let seqs = events["items"]?.array?.compactMap { $0["seq"]?.int } ?? []
            #expect(seqs == Array(1...Int64(seqs.count)) && seqs.count > 10)
            #expect(try await api.call(.get, "/v1/runs/refund/verify")["valid"] == true)
            let past = try await api.call(.get, "/v1/runs/refund/state?at_seq=3")
            #expect(past["run"]?["status"] == "running" && past["at_seq"] == 3)
            let fork = try await api.call(.post, "/v1/runs/refund/fork", #"{"at_seq":3,"new_id":"refund-2"}"#)
            #expect(fork.status == 201 && fork["forked_from"]?["run_id"] == "refund")
            #expect(try await api.call(.get, "/v1/runs/refund/checkpoints/latest")["seq"] == 2)
            #expect(try await api.call(.get, "/v1/runs/refund/checkpoints/1")["state"] == ["amount": 120])
            #expect(try await api.call(.get, "/v1/runs/refund/checkpoints")["items"]?.array?.count == 2)
            #expect(try await api.call(.get, "/v1/runs/refund/steps")["items"]?.array?.count == 1)
            #expect(try await api.call(.get, "/v1/runs?status=completed")["items"]?.array?.count == 1)
        }
    }

    @Test("a waiting run wakes on a signal")
    func waitAndSignal() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            _ = try await api.call(.post, "/v1/runs/r/transitions", #"{"to":"running"}"#)
            let waiting = try await api.call(.post, "/v1/runs/r/wait", #"{"until":"2099-01-01T00:00:00Z","reason":"webhook"}"#)
            #expect(waiting["status"] == "waiting" && waiting["wait_until"] == "2099-01-01T00:00:00.000Z")
            #expect(try await api.call(.post, "/v1/runs/r/signal", #"{"payload":{"paid":true}}"#)["status"] == "running")
            let claimed = try await api.call(.post, "/v1/runs/claim", #"{"worker":"w"}"#)
            let token = try #require(claimed["lease"]?["token"]?.int)
            #expect(try await api.call(.delete, "/v1/runs/r/lease?token=\(token)")["lease"] == nil)
            #expect(try await api.call(.delete, "/v1/runs/r/lease").status == 422)
        }
    }

    @Test("a checkpoint saved with Prefer: return=minimal answers with what was stored, not the whole state")
    func minimalCheckpointAnswer() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            let minimal: HTTPFields = [HTTPField.Name("Prefer")!: "return=minimal"]
            let first = try await api.call(.post, "/v1/runs/r/checkpoints", #"{"state":{"doc":"big","n":1}}"#, headers: minimal)
            #expect(first.status == 201 && first["kind"] == "full" && first["body"] == ["doc": "big", "n": 1] && first["state"] == nil)
            #expect(first.headers[HTTPField.Name("Preference-Applied")!] == "return=minimal")
            let second = try await api.call(.post, "/v1/runs/r/checkpoints", #"{"patch":{"n":2},"expected_seq":1}"#, headers: minimal)
            #expect(second["seq"] == 2 && second["kind"] == "patch" && second["body"] == ["n": 2])
            let whole = try await api.call(.post, "/v1/runs/r/checkpoints", #"{"patch":{"n":3}}"#)
            #expect(whole["state"] == ["doc": "big", "n": 3] && whole["body"] == nil, "without the header, the whole state as before")
        }
    }

    @Test("a run is deleted with its history once it has finished, and not before")
    func deleteRun() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            _ = try await api.call(.post, "/v1/runs/r/checkpoints", #"{"state":{"a":1}}"#)
            let early = try await api.call(.delete, "/v1/runs/r")
            #expect(early.status == 409 && early["current"] == "created", "a run in progress stays")
            #expect(try await api.call(.get, "/v1/runs/r/checkpoints/latest")["state"] == ["a": 1])
            _ = try await api.call(.post, "/v1/runs/r/transitions", #"{"to":"cancelled"}"#)
            #expect(try await api.call(.delete, "/v1/runs/r").status == 204)
            #expect(try await api.call(.get, "/v1/runs/r").status == 404)
            #expect(try await api.call(.get, "/v1/runs/r/checkpoints/latest").status == 404)
            #expect(try await api.call(.delete, "/v1/runs/r").status == 404)
            // The id is free again, and the new run starts with no history.
            #expect(try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#).status == 201)
            #expect(try await api.call(.get, "/v1/runs/r/checkpoints/latest").status == 404)
        }
    }

    @Test("memory: keys with slashes, prefix listing, search; export and erasure by an admin")
    func memoryAndUsers() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let put = try await api.call(.put, "/v1/memory/ann/prefs/topic%2Fflights", #"{"value":{"seat":"window"},"text":"prefers window seats on flights"}"#)
            #expect(put.status == 200 && put["key"] == "topic/flights" && put.headers[.eTag] == "\"1\"")
            _ = try await api.call(.put, "/v1/memory/ann/prefs/topic%2Ffood", #"{"value":"vegetarian","text":"vegetarian meals","embedding":[1,0]}"#)
            #expect(try await api.call(.get, "/v1/memory/ann/prefs/topic%2Fflights")["value"] == ["seat": "window"])
            #expect(try await api.call(.put, "/v1/memory/ann/prefs/topic%2Fflights", #"{"value":1}"#, headers: [.ifMatch: "\"7\""]).status == 412)
            let listed = try await api.call(.get, "/v1/memory/ann/prefs?prefix=topic/")
            #expect(listed["items"]?.array?.compactMap { $0["key"]?.stringValue } == ["topic/flights", "topic/food"])
            let found = try await api.call(.post, "/v1/memory/ann/search", #"{"text":"flights"}"#)
            #expect(found["items"]?.array?.first?["item"]?["key"] == "topic/flights")
            #expect(try await api.call(.post, "/v1/memory/ann/search", #"{"vector":[1,0]}"#)["items"]?.array?.count == 1)
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s","user_id":"ann"}"#)

            #expect(try await api.call(.get, "/v1/users/ann/export").status == 403)
            let export = try await api.call(.get, "/v1/users/ann/export", key: h.admin)
            #expect(export["memory"]?.array?.count == 2 && export["sessions"]?.array?.count == 1)
            let receipt = try await api.call(.delete, "/v1/users/ann", key: h.admin)
            #expect(receipt["memory_items"] == 2 && receipt["sessions"] == 1 && receipt["digest"]?.stringValue?.count == 64)
            #expect(try await api.call(.get, "/v1/memory/ann/prefs/topic%2Fflights").status == 404)
            #expect(try await api.call(.delete, "/v1/memory/ann/prefs/nothing").status == 404)
        }
    }
}
