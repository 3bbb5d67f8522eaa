import AgentState
import AgentStateSQLite
import Foundation
import Testing

/// Conversations are private: every file of a SQLite store is its owner's alone.
@Suite("SQLite: file modes")
struct FileModeTests {
    func mode(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber).map { $0.intValue & 0o777 }
    }

    @Test("a new store's database, -wal and -shm are all 0600 while it is open, though the umask lets others read")
    func newStore() async throws {
        let path = temporaryPath("private.sqlite")
        // The usual umask (022) lets others read what a process makes; the store must not rely on a stricter one.
        let previous = umask(0o022)
        defer { umask(previous) }
        let store = try SQLiteStore(path: path)
        _ = try await store.createSession("t", SessionCreate(id: "s"))
        _ = try await store.appendMessages("t", "s", [NewMessage(role: .user, content: "hello")], expectedLastSeq: nil)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(mode(file) == 0o600, "\(file) is \(mode(file).map { String($0, radix: 8) } ?? "missing")")
        }
        let findings = try await store.deploymentFindings()
        #expect(findings.first { $0.check == "permissions" }?.level == .ok)
        try await store.close()
    }

    @Test("an older store's looser -wal and -shm are narrowed to the database's mode when it opens; doctor names a loose one")
    func narrowsCompanions() async throws {
        let path = temporaryPath("older.sqlite")
        var store = try SQLiteStore(path: path)
        _ = try await store.createSession("t", SessionCreate(id: "s"))
        chmod(path + "-wal", 0o644)
        chmod(path + "-shm", 0o666)
        let findings = try await store.deploymentFindings()
        let permissions = try #require(findings.first { $0.check == "permissions" })
        #expect(permissions.level == .warning && permissions.detail.contains("-wal (mode 644)") && permissions.detail.contains("-shm (mode 666)"),
                "\(permissions.detail)")
        try await store.close()

        store = try SQLiteStore(path: path)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(mode(file) == 0o600, "\(file) is \(mode(file).map { String($0, radix: 8) } ?? "missing")")
        }
        try await store.close()
    }
}
