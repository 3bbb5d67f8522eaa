import AgentState
import Foundation
import Testing

extension Conformance {
    static let messageChecks: [Check] = [
        check("messages: appends get gap-free seqs; expected_last_seq guards concurrent writers") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s"))
            // Token counts a window's sum could overflow are refused, and change nothing.
            await expectFailure(.invalidInput) {
                try await h.store.appendMessages(tenant, "s", [NewMessage(role: .user, content: "x", tokens: .max)], expectedLastSeq: 0)
            }
            let first = try await h.store.appendMessages(tenant, "s", [.system("Be brief."), .user("Hi")], expectedLastSeq: 0)
            #expect(first.map(\.seq) == [1, 2])
            let second = try await h.store.appendMessages(tenant, "s", [.assistant("Hello!")], expectedLastSeq: 2)
            #expect(second.map(\.seq) == [3])
            let conflict = await expectFailure(.versionConflict, "stale last seq") {
                try await h.store.appendMessages(tenant, "s", [.user("lost?")], expectedLastSeq: 2)
            }
            #expect(conflict?.current == "3")
            // One bad message rejects the whole batch.
            let bad = await expectFailure(.invalidInput, "tool message without call id") {
                try await h.store.appendMessages(tenant, "s", [.user("ok"), NewMessage(role: .tool, content: "x")], expectedLastSeq: nil)
            }
            #expect(bad?.field == "messages[1].tool_call_id")
            let all = try await h.store.messages(tenant, "s", .after(seq: 0, limit: 100))
            #expect(all.messages.map(\.content) == ["Be brief.", "Hi", "Hello!"])
            #expect(all.lastSeq == 3)
            #expect(try await h.store.session(tenant, "s").lastSeq == 3)
        },
        check("messages: importing numbered messages keeps their seqs and times, skips those stored already, refuses a gap or another turn at a stored seq") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s"))
            _ = try await h.store.appendMessages(tenant, "s", [.user("one")], expectedLastSeq: 0)
            let then = h.clock.now().adding(seconds: -30)
            func numbered(_ seq: Int64, _ content: String, role: MessageRole = .user) -> Message {
                Message(tenantId: tenant, sessionId: "s", seq: seq, role: role, content: content, tokens: 2, createdAt: then)
            }
            #expect(try await h.store.importMessages(tenant, "s", [numbered(2, "two"), numbered(3, "three", role: .assistant)]) == 3)
            // Repeating a flush, or one that overlaps what is stored, changes nothing already there.
            #expect(try await h.store.importMessages(tenant, "s", [numbered(2, "two"), numbered(3, "three", role: .assistant), numbered(4, "four")]) == 4)
            let gap = await expectFailure(.conflict, "a gap after the last seq") {
                try await h.store.importMessages(tenant, "s", [numbered(6, "six")])
            }
            #expect(gap?.current == "4")
            // A different turn at a stored seq is not a repeat: skipping it would lose it.
            let other = await expectFailure(.conflict, "another turn at a stored seq") {
                try await h.store.importMessages(tenant, "s", [numbered(4, "not four"), numbered(5, "five")])
            }
            #expect(other?.current == "4")
            let stored = try await h.store.messages(tenant, "s", .after(seq: 0, limit: 10)).messages
            #expect(stored.map(\.content) == ["one", "two", "three", "four"])
            #expect(stored[1].createdAt == then && stored[2].role == .assistant)
            // Appends go on after the imported ones; a closed session still takes a flush.
            #expect(try await h.store.appendMessages(tenant, "s", [.user("five")], expectedLastSeq: 4).map(\.seq) == [5])
            _ = try await h.store.closeSession(tenant, "s")
            #expect(try await h.store.importMessages(tenant, "s", [numbered(6, "six")]) == 6)
            await expectFailure(.invalidInput, "another session's message") {
                try await h.store.importMessages(tenant, "s", [Message(tenantId: tenant, sessionId: "t", seq: 7, role: .user, content: "x", tokens: 1, createdAt: then)])
            }
        },
        check("messages: a tool call is found by its id, pending until a tool message answers it, then answered by the first answer") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s"))
            let weather = ToolCall(id: "call_1", name: "weather", arguments: "{\"city\":\"Oslo\"}")
            let time = ToolCall(id: "call_2", name: "clock", arguments: "{}")
            _ = try await h.store.appendMessages(tenant, "s", [.user("Weather and time in Oslo?"), .assistant("", toolCalls: [weather, time])],
                                                 expectedLastSeq: 0)
            let pending = try await h.store.toolCall(tenant, "s", "call_1")
            #expect(pending.status == .pending && pending.requestSeq == 2 && pending.call == weather && pending.result == nil)
            _ = try await h.store.appendMessages(tenant, "s", [.tool("{\"temp\":3}", callId: "call_1")], expectedLastSeq: 2)
            // Many turns later, the answer is still the first one, and the search reaches back to it.
            for i in 1...70 { _ = try await h.store.appendMessages(tenant, "s", [.user("m\(i)")], expectedLastSeq: nil) }
            _ = try await h.store.appendMessages(tenant, "s", [.tool("{\"temp\":4}", callId: "call_1")], expectedLastSeq: nil)
            let answered = try await h.store.toolCall(tenant, "s", "call_1")
            #expect(answered.status == .answered && answered.result?.seq == 3 && answered.result?.content == "{\"temp\":3}")
            #expect(try await h.store.toolCall(tenant, "s", "call_2").status == .pending)
            await expectFailure(.notFound, "a call nobody asked for") { try await h.store.toolCall(tenant, "s", "call_9") }
            await expectFailure(.notFound, "another tenant's session") { try await h.store.toolCall(otherTenant, "s", "call_1") }
            await expectFailure(.invalidInput, "an empty call id") { try await h.store.toolCall(tenant, "s", "") }
        },
        check("messages: last N, after a seq, and a time range") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s"))
            for i in 1...30 {
                _ = try await h.store.appendMessages(tenant, "s", [.user("m\(i)")], expectedLastSeq: nil)
                h.clock.advance(by: 1)
            }
            #expect(try await h.store.messages(tenant, "s", .last(5)).messages.map(\.content) == ["m26", "m27", "m28", "m29", "m30"])
            #expect(try await h.store.messages(tenant, "s", .after(seq: 10, limit: 3)).messages.map(\.seq) == [11, 12, 13])
            let t0 = try await h.store.messages(tenant, "s", .after(seq: 4, limit: 1)).messages[0].createdAt
            let range = try await h.store.messages(tenant, "s", .between(since: t0, until: t0.adding(seconds: 3), limit: 100))
            #expect(range.messages.map(\.content) == ["m5", "m6", "m7"])
            await expectFailure(.invalidInput, "zero window") { try await h.store.messages(tenant, "s", .last(0)) }
        },
        check("messages: a window keeps the system message and never opens on an orphaned tool result") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s"))
            let call = ToolCall(id: "call_1", name: "weather", arguments: "{\"city\":\"Oslo\"}")
            _ = try await h.store.appendMessages(tenant, "s", [
                .system("You are a weather bot."), .user("Weather in Oslo?"),
                .assistant("", toolCalls: [call]), .tool("{\"temp\":3}", callId: "call_1"),
                .assistant("3 degrees."),
            ], expectedLastSeq: 0)
            // The newest 2 would start at the tool result, whose call is cut off.
            let w = try await h.store.messages(tenant, "s", .last(3))
            #expect(w.messages.map(\.seq) == [1, 3, 4, 5])
            let w2 = try await h.store.messages(tenant, "s", .last(2))
            #expect(w2.messages.map(\.seq) == [1, 5], "system pinned, orphaned tool result dropped")
            #expect(w2.messages.allSatisfy { $0.role != .tool })
        },
        check("messages: token-budget reads fit the budget, newest first, system counted") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s"))
            _ = try await h.store.appendMessages(tenant, "s", [NewMessage(role: .system, content: "sys", tokens: 10)], expectedLastSeq: nil)
            for i in 2...100 {
                _ = try await h.store.appendMessages(tenant, "s", [NewMessage(role: i % 2 == 0 ? .user : .assistant, content: "m\(i)", tokens: 7)], expectedLastSeq: nil)
            }
            let w = try await h.store.messages(tenant, "s", .tokenBudget(52))
            #expect(w.messages.first?.seq == 1)
            #expect(w.messages.dropFirst().map(\.seq) == [95, 96, 97, 98, 99, 100])
            #expect(w.tokens == 10 + 6 * 7)
        },
        check("messages: compaction returns the summary plus what follows, and keeps the raw history") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s"))
            _ = try await h.store.appendMessages(tenant, "s", [NewMessage(role: .system, content: "sys", tokens: 5)], expectedLastSeq: nil)
            for i in 2...40 {
                _ = try await h.store.appendMessages(tenant, "s", [NewMessage(role: .user, content: "m\(i)", tokens: 10)], expectedLastSeq: nil)
            }
            let s = try await h.store.compact(tenant, "s", summary: "The user said m2 to m35.", throughSeq: 35, tokens: 8)
            #expect(s.summary?.throughSeq == 35)
            let w = try await h.store.messages(tenant, "s", .last(20))
            #expect(w.summary?.text == "The user said m2 to m35.")
            #expect(w.messages.map(\.seq) == [1, 36, 37, 38, 39, 40])
            let b = try await h.store.messages(tenant, "s", .tokenBudget(5 + 8 + 30))
            #expect(b.summary != nil && b.messages.map(\.seq) == [1, 38, 39, 40])
            #expect(try await h.store.messages(tenant, "s", .after(seq: 0, limit: 1000)).messages.count == 40, "raw history kept")
            let tail = try await h.store.messages(tenant, "s", .tail(8))
            #expect(tail.messages.map(\.seq) == Array(33...40) && tail.summary == nil && tail.lastSeq == 40,
                    "a tail is the newest raw messages, across the summary, without the system message pinned")
            #expect(try await h.store.messages(tenant, "s", .tail(1000)).messages.count == 40)
            await expectFailure(.invalidInput, "a tail of none") { _ = try await h.store.messages(tenant, "s", .tail(0)) }
            await expectFailure(.invalidInput, "summary behind the current one") {
                try await h.store.compact(tenant, "s", summary: "older", throughSeq: 30, tokens: nil)
            }
            await expectFailure(.invalidInput, "summary past the end") {
                try await h.store.compact(tenant, "s", summary: "future", throughSeq: 41, tokens: nil)
            }
        },
    ]
}
