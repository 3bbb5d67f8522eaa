import AgentState
@testable import AgentStateSQLite
import Foundation
import GRDB
import Testing

@Suite("SQLite: migrating files written by earlier versions")
struct MigrationTests {
    @Test("v6 moves every message under its session's key: same windows, tenants apart, orphans dropped, appends go on")
    func messagesKeyedBySession() async throws {
        // Conversations written by today's store, to copy into a file of the v5 shape.
        let source = temporaryPath("v6-source.sqlite")
        let store = try SQLiteStore(path: source)
        for tenant in ["t1", "t2"] {
            for session in ["a", "b"] {
                _ = try await store.createSession(tenant, SessionCreate(id: session))
                for turn in 0..<30 {
                    _ = try await store.appendMessages(tenant, session, [.user("\(tenant)/\(session) asks \(turn)"), .assistant("answer \(turn)")], expectedLastSeq: nil)
                }
            }
        }
        var before: [String: [Message]] = [:]
        for tenant in ["t1", "t2"] {
            for session in ["a", "b"] { before["\(tenant)/\(session)"] = try await store.messages(tenant, session, .last(100)).messages }
        }
        try await store.close()

        // The v5 file: sessions inserted in another order, so their rowids differ from the keys
        // they had, and one message whose session is gone.
        let path = temporaryPath("v5.sqlite")
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: "v5-session-updated")
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
            try db.execute(sql: """
                INSERT INTO sessions (tenant_id, id, user_id, status, created_at, expires_at, doc, updated_at)
                    SELECT tenant_id, id, user_id, status, created_at, expires_at, doc, updated_at FROM source.sessions ORDER BY tenant_id DESC, id DESC;
                INSERT INTO messages (tenant_id, session_id, seq, role, content, tokens, created_at, extra)
                    SELECT s.tenant_id, s.id, m.id & 4294967295, m.role, m.content, m.tokens, m.created_at, m.extra
                    FROM source.messages m JOIN source.sessions s ON s.skey = m.id >> 32;
                INSERT INTO messages (tenant_id, session_id, seq, role, content, tokens, created_at, extra)
                    VALUES ('t1', 'deleted', 1, 'user', 'left behind', 2, 0, NULL);
                """)
            try db.execute(sql: "DETACH DATABASE source")
        }
        try queue.close()

        let migrated = try SQLiteStore(path: path)
        #expect(try migrated.appliedMigrations().contains("v6-message-session-key"))
        #expect(try migrated.appliedMigrations().last == "v7-event-signature")
        for (name, messages) in before {
            let (tenant, session) = (String(name.prefix(2)), String(name.dropFirst(3)))
            let window = try await migrated.messages(tenant, session, .last(100))
            #expect(window.messages == messages, "\(name)")
            #expect(window.messages.count == 60)
        }
        let rows = try await migrated.unsafeRead { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages") }
        #expect(rows == 240, "the message of the deleted session is gone")

        // Appends continue each conversation, and a new session's key is one of its own.
        _ = try await migrated.appendMessages("t2", "a", [.user("after the upgrade")], expectedLastSeq: 60)
        _ = try await migrated.createSession("t1", SessionCreate(id: "c"))
        _ = try await migrated.appendMessages("t1", "c", [.user("new")], expectedLastSeq: nil)
        #expect(try await migrated.messages("t2", "a", .last(1)).messages.map(\.content) == ["after the upgrade"])
        #expect(try await migrated.messages("t1", "c", .last(10)).messages.map(\.content) == ["new"])
        #expect(try await migrated.messages("t1", "a", .last(100)).messages == before["t1/a"])
        try await migrated.close()
    }

    @Test("a new session never inherits messages that outlived their session")
    func keysAreNotInherited() async throws {
        let store = try SQLiteStore(path: temporaryPath("reuse.sqlite"))
        _ = try await store.createSession("t", SessionCreate(id: "old"))
        _ = try await store.appendMessages("t", "old", [.user("private")], expectedLastSeq: nil)
        try await store.unsafeExecute("DELETE FROM sessions WHERE tenant_id = 't' AND id = 'old'")
        _ = try await store.createSession("u", SessionCreate(id: "new"))
        // The session row went without its messages (a raw delete, as a crash or tool might):
        // the new session must not see them.
        #expect(try await store.messages("u", "new", .last(10)).messages.isEmpty)
        try await store.close()
    }

    @Test("a file a newer version has migrated is refused with a clear error, and left as it was")
    func newerFile() async throws {
        let path = temporaryPath("newer.sqlite")
        let store = try SQLiteStore(path: path)
        _ = try await store.createSession("t", SessionCreate(id: "s"))
        try await store.unsafeExecute("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        try await store.close()

        let error = #expect(throws: AgentStateError.self) { try SQLiteStore(path: path) }
        #expect(error?.code == .unavailable && error?.message.contains("newer AgentState") == true, "\(String(describing: error))")
        let queue = try DatabaseQueue(path: path)
        let applied = try await queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        let sessions = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sessions") }
        #expect(applied.last == "v99-from-the-future" && sessions == 1)
        try queue.close()
    }
}
