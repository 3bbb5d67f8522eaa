import AgentState
import AgentStateSQLite
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("SQLite group commit")
struct GroupCommitTests {
    @Test("concurrent writes share transactions; one that fails rolls back alone, the others commit, and every caller gets its own outcome")
    func sharedTransactions() async throws {
        let savepoints = Atomic<Int>(0)
        var configuration = SQLiteStore.Configuration(durability: .strict, busyTimeout: 60)
        configuration.statementObserver = { sql in
            if sql.hasPrefix("SAVEPOINT") { savepoints.add(1, ordering: .relaxed) }
        }
        let path = temporaryPath("group.sqlite")
        let store = try SQLiteStore(path: path, configuration: configuration)
        // 64 writers: every fourth creates a session another writer also creates. They start
        // while another connection holds the lock, so that they all wait, as under load, and
        // are committed together when it is let go.
        let held = try await WriteLock(path)
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
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
            try await Task.sleep(for: .milliseconds(300))
            try await held.release()
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
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

    @Test("a write while another connection holds the file's write lock waits for it and commits; past the busy timeout it fails as unavailable and changes nothing")
    func lockHeldElsewhere() async throws {
        let path = temporaryPath("locked.sqlite")
        // A timeout no loaded machine reaches, and one that the second part waits out.
        let store = try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(busyTimeout: 60))
        let impatient = try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(busyTimeout: 0.3))
        _ = try await store.createSession("acme", SessionCreate(id: "s"))

        // Let go while the write waits: it goes in then (it was tried at once on the caller's
        // thread, found the lock taken, and waited on the writer's queue).
        let held = try await WriteLock(path)
        let write = Task { try await store.appendMessages("acme", "s", [.user("after the lock")], expectedLastSeq: nil) }
        try await Task.sleep(for: .milliseconds(200))
        try await held.release()
        #expect(try await write.value.map(\.seq) == [1])

        // Held past the busy timeout: unavailable, and nothing of the write stays.
        let heldLong = try await WriteLock(path)
        do {
            _ = try await impatient.appendMessages("acme", "s", [.user("refused")], expectedLastSeq: nil)
            Issue.record("a write went in while another connection held the lock")
        } catch let error as AgentStateError {
            #expect(error.code == .unavailable, "\(error)")
        }
        try await heldLong.release()
        #expect(try await store.messages("acme", "s", .after(seq: 0, limit: 10)).messages.map(\.content) == ["after the lock"])
        // Once the lock is free, writes go in as before.
        _ = try await impatient.appendMessages("acme", "s", [.user("later")], expectedLastSeq: 1)
        try await impatient.close()
        try await store.close()
    }
}

/// The file's write lock, taken by a connection and a thread of its own until `release()`.
private struct WriteLock {
    private let letGo = DispatchSemaphore(value: 0)
    private let outcome: AsyncStream<Result<Void, any Error>>

    /// Returns once the lock is held.
    init(_ path: String) async throws {
        let other = try DatabaseQueue(path: path)
        let (outcome, report) = AsyncStream<Result<Void, any Error>>.makeStream()
        self.outcome = outcome
        let letGo = self.letGo
        try await withCheckedThrowingContinuation { (held: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                var holding = false
                do {
                    try other.writeWithoutTransaction { db in
                        try db.execute(sql: "BEGIN IMMEDIATE")
                        holding = true
                        held.resume()
                        letGo.wait()
                        try db.execute(sql: "COMMIT")
                    }
                    report.yield(.success(()))
                } catch {
                    if holding { report.yield(.failure(error)) } else { held.resume(throwing: error) }
                }
                report.finish()
            }
        }
    }

    func release() async throws {
        letGo.signal()
        for await result in outcome { try result.get() }
    }
}
