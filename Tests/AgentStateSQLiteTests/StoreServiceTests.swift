import AgentState
import AgentStateSQLite
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The store's background work (the WAL checkpointer) runs where its owner puts it: in the
/// store's own task for a library user, or as a service of a server's group.
@Suite("SQLite store as a service")
struct StoreServiceTests {
    private func writes(_ store: SQLiteStore, _ count: Int) async throws {
        if (try? await store.session("acme", "s")) == nil { _ = try await store.createSession("acme", SessionCreate(id: "s")) }
        for _ in 0..<count { _ = try await store.appendMessages("acme", "s", [.user("hello")], expectedLastSeq: nil) }
    }

    /// Waits for the checkpointer's first run: under the whole test suite, other tests' blocking
    /// work can keep the task that starts it waiting for seconds.
    private func checkpointed(_ store: SQLiteStore) async throws -> Bool {
        for _ in 0..<300 where store.walCheckpoints == 0 { try await Task.sleep(for: .milliseconds(100)) }
        return store.walCheckpoints > 0
    }

    @Test("opened for a server, the store starts no work of its own; run as a service of the group, it checkpoints until the group shuts down")
    func runsInItsGroup() async throws {
        var configuration = SQLiteStore.Configuration()
        configuration.background = false
        let store = try SQLiteStore(path: temporaryPath("served.sqlite"), configuration: configuration)
        try await writes(store, 20)
        try await Task.sleep(for: .milliseconds(300))
        #expect(store.walCheckpoints == 0, "no task of its own")

        let group = ServiceGroup(configuration: .init(services: [store], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await writes(store, 20)
            #expect(try await checkpointed(store), "checkpointed inside the group")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let stopped = store.walCheckpoints
        try await Task.sleep(for: .milliseconds(200))
        #expect(store.walCheckpoints == stopped, "stopped with the group")
        try await store.close()
    }

    @Test("withStore closes the store after its body, also when the body throws, and a library user's store checkpoints in a task of its own")
    func scopedStore() async throws {
        let path = temporaryPath("scoped.sqlite")
        let count = try await withStore(try SQLiteStore(path: path)) { store in
            try await writes(store, 20)
            #expect(try await checkpointed(store))
            return try await store.messages("acme", "s", .last(100)).messages.count
        }
        #expect(count == 20)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await withStore(try SQLiteStore(path: path)) { _ in throw Refused() }
        }
        // Closed both times: the file opens again and holds what was written.
        let last = try await withStore(try SQLiteStore(path: path)) { store in try await store.session("acme", "s").lastSeq }
        #expect(last == 20)
    }
}
