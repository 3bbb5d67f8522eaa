import AgentState
import AgentStateSQLite
import Testing

@Suite("SQLite sessions read through the decoded-document cache")
struct SessionDocumentCacheTests {
    @Test("a session another process changes, appends to or deletes and recreates reads as it is now, never as this store last decoded it")
    func anotherWriter() async throws {
        let path = temporaryPath("shared.sqlite")
        let mine = try SQLiteStore(path: path)
        let theirs = try SQLiteStore(path: path)
        _ = try await mine.createSession("acme", SessionCreate(id: "s", title: "first"))
        _ = try await mine.appendMessages("acme", "s", [.user("one")], expectedLastSeq: nil)
        #expect(try await mine.session("acme", "s").title == "first")

        _ = try await theirs.updateSession("acme", "s", SessionUpdate(title: "second"))
        _ = try await theirs.appendMessages("acme", "s", [.user("two")], expectedLastSeq: 1)
        let seen = try await mine.session("acme", "s")
        #expect(seen.title == "second")
        #expect(seen.lastSeq == 2)
        #expect(try await mine.messages("acme", "s", .after(seq: 0, limit: 10)).messages.map(\.content) == ["one", "two"])

        // Gone and made again under the same id: a new session, with none of the old messages.
        try await theirs.deleteSession("acme", "s")
        _ = try await theirs.createSession("acme", SessionCreate(id: "s", title: "third"))
        let again = try await mine.session("acme", "s")
        #expect(again.title == "third")
        #expect(again.lastSeq == 0)
        #expect(try await mine.messages("acme", "s", .after(seq: 0, limit: 10)).messages.isEmpty)
        _ = try await mine.appendMessages("acme", "s", [.user("fresh")], expectedLastSeq: 0)
        #expect(try await theirs.messages("acme", "s", .after(seq: 0, limit: 10)).messages.map(\.content) == ["fresh"])
        try await mine.close()
        try await theirs.close()
    }

    @Test("a session reads back as its stored text decodes, the same from the store that wrote it as from a fresh one")
    func readsWhatIsStored() async throws {
        let path = temporaryPath("stored.sqlite")
        let writer = try SQLiteStore(path: path)
        _ = try await writer.createSession("acme", SessionCreate(id: "s"))
        // 1.0 is stored as 1: what the writer's later reads show must be what is stored.
        _ = try await writer.patchContext("acme", "s", ["ratio": .double(1.0), "name": "x"], expectedVersion: nil)
        let fresh = try SQLiteStore(path: path)
        let stored = try await fresh.session("acme", "s")
        #expect(try await writer.session("acme", "s") == stored)
        _ = try await writer.appendMessages("acme", "s", [.user("hi")], expectedLastSeq: nil)
        #expect(try await writer.session("acme", "s") == fresh.session("acme", "s"))
        try await fresh.close()
        try await writer.close()
    }
}
