import AgentState
import Foundation
import Testing

@Suite("Domain rules, without a store")
struct DomainRulesTests {
    @Test("the chart: terminal states lead nowhere; failed leads only to a retry")
    func chart() throws {
        #expect(RunStatus.completed.allowedNext.isEmpty && RunStatus.cancelled.allowedNext.isEmpty)
        #expect(RunStatus.failed.allowedNext == [.running])
        #expect(RunStatus.created.allowedNext == [.running, .cancelled])
        for s in RunStatus.allCases { #expect(!s.canMove(to: .created)) }
        #expect(throws: AgentStateError.self) { try RunStatus.completed.check(to: .running) }
        #expect(RunStatus(rawValue: "waiting_for_approval") == .waitingForApproval)
    }

    @Test("ids: generated ones sort by time and pass validation; bad ones name the field")
    func ids() throws {
        let a = Identifier.generate("run", at: Date(timeIntervalSince1970: 1_800_000_000))
        let b = Identifier.generate("run", at: Date(timeIntervalSince1970: 1_800_000_001))
        #expect(a < b && a.hasPrefix("run_") && a.count == 30)
        #expect(a.hasPrefix("run_01mcc5rm00"), "the time part: 1,800,000,000,000 ms in 10 characters of base 32")
        try Identifier.validate(a, field: "id")
        // 80 random bits: a thousand ids made in the same millisecond are all different.
        let sameMoment = Set((0..<1000).map { _ in Identifier.generate("aud", at: Date(timeIntervalSince1970: 1_800_000_000)) })
        #expect(sameMoment.count == 1000)
        #expect(sameMoment.allSatisfy { $0.utf8.allSatisfy { Array("aud_0123456789abcdefghjkmnpqrstvwxyz".utf8).contains($0) } })
        for bad in ["", "a b", "a/b", "ü", String(repeating: "a", count: 129), "run:1"] {
            let error = #expect(throws: AgentStateError.self) { try Identifier.validate(bad, field: "x") }
            #expect(error?.code == .invalidInput && error?.field == "x")
        }
    }

    @Test("the hash chain: a change to any field of any event is found")
    func chain() {
        var events: [Event] = []
        var prev = HashChain.genesis
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        for seq in Int64(1)...5 {
            let data: JSONValue = ["n": .int(seq)]
            let hash = HashChain.hash(tenant: "t", stream: "run:r", seq: seq, type: "x", at: at, data: data, prevHash: prev)
            events.append(Event(tenantId: "t", stream: "run:r", seq: seq, type: "x", data: data, at: at, prevHash: prev, hash: hash))
            prev = hash
        }
        #expect(HashChain.firstBroken(events, after: nil) == nil)
        var forged = events
        forged[2].type = "y"
        #expect(HashChain.firstBroken(forged, after: nil) == 3)
        var dropped = events
        dropped.remove(at: 1)
        #expect(HashChain.firstBroken(dropped, after: nil) == 3)
    }

    @Test("context windows drop leading tool results only")
    func orphans() {
        func m(_ seq: Int64, _ role: MessageRole) -> Message {
            Message(tenantId: "t", sessionId: "s", seq: seq, role: role, content: "", tokens: 1, createdAt: Date())
        }
        #expect(ContextWindow.droppingOrphanedToolResults([m(4, .tool), m(5, .tool), m(6, .assistant), m(7, .tool)]).map(\.seq) == [6, 7])
        #expect(ContextWindow.droppingOrphanedToolResults([m(1, .user), m(2, .tool)]).map(\.seq) == [1, 2])
    }
}
