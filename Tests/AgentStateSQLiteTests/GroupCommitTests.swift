import AgentState
import AgentStateSQLite
import Synchronization
import Testing

@Suite("SQLite group commit")
struct GroupCommitTests {
    @Test("concurrent writes share transactions; one that fails rolls back alone, the others commit, and every caller gets its own outcome")
    func sharedTransactions() async throws {
        let savepoints = Atomic<Int>(0)
        var configuration = SQLiteStore.Configuration(durability: .strict)
        configuration.statementObserver = { sql in
            if sql.hasPrefix("SAVEPOINT") { savepoints.add(1, ordering: .relaxed) }
        }
        let path = temporaryPath("group.sqlite")
        let store = try SQLiteStore(path: path, configuration: configuration)
        // 64 writers: every fourth creates a session another writer also creates.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for i in 0..<64 {
                group.addTask {
                    let id = i % 4 == 3 ? "s\(i - 1)" : "s\(i)"
                    do {
                        _ = try await store.createSession("acme", SessionCreate(id: id))
                        return (i, true)
                    } catch let error as AgentStateError {
                        #expect(error.code == .alreadyExists, "\(error)")
                        return (i, false)
                    } catch {
                        Issue.record("\(error)")
                        return (i, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.values.filter { $0 }.count == 48, "48 distinct ids, each created once")
        #expect(savepoints.load(ordering: .relaxed) > 0, "some writes shared a transaction")

        // Appends to one session from many writers: every seq once, no gap, in the file after reopening.
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask { _ = try? await store.appendMessages("acme", "s0", [.user("m\(i)")], expectedLastSeq: nil) }
            }
        }
        try await store.close()
        let reopened = try SQLiteStore(path: path)
        let stored = try await reopened.messages("acme", "s0", .after(seq: 0, limit: 100)).messages
        #expect(stored.map(\.seq) == (1...40).map { Int64($0) })
        #expect(Set(stored.map(\.content)) == Set((0..<40).map { "m\($0)" }))
        #expect(try await reopened.sessions("acme", SessionQuery(limit: 100)).items.count == 48)
        _ = try await reopened.verifyChain("acme", stream: EventStream.session("s0"))
        try await reopened.close()
    }
}
