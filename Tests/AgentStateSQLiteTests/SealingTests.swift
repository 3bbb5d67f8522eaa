import AgentState
import AgentStateSQLite
import AgentStateTesting
import Foundation
import Testing

private func sealedStore(_ path: String, _ ring: DataKeyRing?, clock: any StoreClock = SystemClock()) throws -> SQLiteStore {
    try SQLiteStore(path: path, configuration: SQLiteStore.Configuration(keyRing: ring), clock: clock)
}

let sqliteSealedBackend = Conformance.Backend(
    name: "sqlite, sealed",
    make: { clock in try sealedStore(temporaryPath("sealed.sqlite"), SealingCheck.ring, clock: clock) },
    reopen: { store, clock in
        let path = (store as! SQLiteStore).path
        try await store.close()
        return try sealedStore(path, SealingCheck.ring, clock: clock)
    },
    tamper: { store, tenant, stream, seq, data in
        try await (store as! SQLiteStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

/// The file and its write-ahead log, byte for byte, as someone holding a copy of the disk reads them.
private func fileBytes(_ path: String) -> [UInt8] {
    ["", "-wal", "-shm"].flatMap { suffix in (FileManager.default.contents(atPath: path + suffix)).map { [UInt8]($0) } ?? [] }
}

@Suite("Conformance: SQLite store, sealed")
struct SQLiteSealedConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: sqliteSealedBackend)
    }
}

@Suite("SQLite: encryption at rest")
struct SQLiteSealingTests {
    @Test("with a key ring, the file holds none of what agents stored; without one, the same search finds it")
    func nothingPlainOnDisk() async throws {
        for ring in [SealingCheck.ring, nil] {
            let path = temporaryPath("grep.sqlite")
            let canary = SealingCheck.canary()
            let store = try sealedStore(path, ring)
            try await SealingCheck.writeEverywhere(store, canary: canary)
            try await SealingCheck.readBack(store, canary: canary)
            let whileOpen = fileBytes(path)
            try await store.close()
            let found = SealingCheck.contains(whileOpen, canary) || SealingCheck.contains(fileBytes(path), canary)
            #expect(found == (ring == nil), "ring \(ring?.activeKeyId ?? "none"): canary \(found ? "found" : "not found")")
        }
    }

    @Test("rotation: re-sealing moves every value to the newest key, a second walk finds nothing to do, and the old key can go")
    func rotation() async throws {
        let path = temporaryPath("rotate.sqlite")
        let canary = SealingCheck.canary()
        let old = try sealedStore(path, SealingCheck.oldRing)
        try await SealingCheck.writeEverywhere(old, canary: canary)
        try await old.close()

        let both = try sealedStore(path, SealingCheck.ring)
        try await SealingCheck.readBack(both, canary: canary)
        var seen: [(Int, Int)] = []
        let first = try await both.resealAll(batch: 3) { seen.append(($0, $1)) }
        #expect(first.resealed >= 15 && first.visited >= first.resealed)
        #expect(seen.last.map { $0.0 == $0.1 } == true && seen.map(\.0) == seen.map(\.0).sorted(), "progress only grows, to the total")
        #expect(try await both.resealAll().resealed == 0, "a second walk re-seals nothing")
        try await both.close()
        #expect(!SealingCheck.contains(fileBytes(path), "\u{1}old:"), "no value is left under the old key")

        let newOnly = try sealedStore(path, try DataKeyRing(keys: [("new", [UInt8](repeating: 9, count: 32))]))
        try await SealingCheck.readBack(newOnly, canary: canary)
        try await newOnly.close()

        let oldOnly = try sealedStore(path, SealingCheck.oldRing)
        await #expect { try await oldOnly.session(SealingCheck.tenant, "s") } throws: { error in
            (error as? AgentStateError)?.code == .unavailable && "\(error)".contains("'new'")
        }
        try await oldOnly.close()
    }

    @Test("a store written plain is sealed in place; its old pages are wiped; memory search still finds what it held")
    func sealingAPlainStore() async throws {
        let path = temporaryPath("plain.sqlite")
        let canary = SealingCheck.canary()
        let plain = try sealedStore(path, nil)
        try await SealingCheck.writeEverywhere(plain, canary: canary)
        try await plain.close()
        #expect(SealingCheck.contains(fileBytes(path), canary))

        let sealed = try sealedStore(path, SealingCheck.ring)
        try await SealingCheck.readBack(sealed, canary: canary)
        #expect(try await sealed.resealAll().resealed >= 15)
        try await SealingCheck.readBack(sealed, canary: canary)
        try await sealed.close()
        #expect(!SealingCheck.contains(fileBytes(path), canary))
    }

    @Test("a sealed store opened without its key ring fails with a message naming the fix, and shows nothing")
    func noRing() async throws {
        let path = temporaryPath("noring.sqlite")
        let store = try sealedStore(path, SealingCheck.ring)
        _ = try await store.createSession("t", SessionCreate(id: "s", context: ["x": "y"]))
        try await store.close()
        let bare = try sealedStore(path, nil)
        await #expect { try await bare.session("t", "s") } throws: { error in
            (error as? AgentStateError)?.code == .unavailable && "\(error)".contains("AGENTSTATE_DATA_KEYS")
        }
        await #expect(throws: AgentStateError.self) { try await bare.resealAll() }
        try await bare.close()
    }
}
