import AgentState
import Foundation
import Testing

@Suite("The sweeper")
struct SweeperTests {
    @Test("it fires due timers on its own, and stops cleanly when its task is cancelled")
    func firesAndStops() async throws {
        let clock = ManualClock()
        let store = InMemoryStore(clock: clock)
        _ = try await store.createRun("t", RunCreate(id: "r", workflow: "wf"))
        _ = try await store.transition("t", "r", RunTransition(to: .running))
        _ = try await store.wait("t", "r", WaitRequest(until: clock.now().adding(seconds: 10)))
        clock.advance(by: 11)

        let sweeper = Sweeper(store: store, interval: .milliseconds(10))
        let task = Task { await sweeper.run() }
        var status = RunStatus.waiting
        for _ in 0..<500 where status == .waiting {
            try await Task.sleep(for: .milliseconds(10))
            status = try await store.run("t", "r").status
        }
        #expect(status == .running)
        task.cancel()
        await task.value   // returns: the loop saw the cancellation
    }

    @Test("a pass takes a bounded batch and says when more is due")
    func batches() async throws {
        let clock = ManualClock()
        let store = InMemoryStore(clock: clock)
        for i in 0...SweepReport.batch {
            _ = try await store.createRun("t", RunCreate(id: "r\(i)", workflow: "wf"))
            _ = try await store.transition("t", "r\(i)", RunTransition(to: .running))
            _ = try await store.wait("t", "r\(i)", WaitRequest(until: clock.now().adding(seconds: 1)))
        }
        clock.advance(by: 2)
        let first = try await store.sweep()
        #expect(first.timersFired == SweepReport.batch && first.moreDue)
        let second = try await store.sweep()
        #expect(second.timersFired == 1 && !second.moreDue)
    }
}

@Suite("Store URLs")
struct StoreURLTests {
    @Test("the forms a user writes", arguments: [
        ("memory:", StoreURL.memory),
        ("sqlite:./agentstate.sqlite", .sqlite(path: "./agentstate.sqlite", options: [:])),
        ("sqlite:///var/lib/agentstate.db", .sqlite(path: "/var/lib/agentstate.db", options: [:])),
        ("sqlite:a.db?durability=strict&readers=2", .sqlite(path: "a.db", options: ["durability": "strict", "readers": "2"])),
        ("postgres://u:p@localhost:5432/db", .postgres(url: "postgres://u:p@localhost:5432/db")),
    ])
    func parses(text: String, expected: StoreURL) throws {
        #expect(try StoreURL(parsing: text) == expected)
    }

    @Test("anything else is invalid input naming the store", arguments: ["", "sqlite:", "sqlite:x?durability", "redis://x", "./file.sqlite"])
    func rejects(text: String) {
        let error = #expect(throws: AgentStateError.self) { try StoreURL(parsing: text) }
        #expect(error?.field == "store")
    }
}
