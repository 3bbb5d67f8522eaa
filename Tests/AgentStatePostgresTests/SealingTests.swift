import AgentState
import AgentStatePostgres
import AgentStateTesting
import Foundation
import Testing

let postgresSealedBackend = Conformance.Backend(
    name: "postgres, sealed",
    make: { clock in try await PostgresStore.open(url: TestPostgres.freshURL(), migrate: true, keyRing: SealingCheck.ring, clock: clock) },
    reopen: { store, clock in
        let schema = (store as! PostgresStore).configuration.schema
        try await store.close()
        return try await PostgresStore.open(url: TestPostgres.url(schema: schema), keyRing: SealingCheck.ring, clock: clock)
    },
    tamper: { store, tenant, stream, seq, data in
        try await (store as! PostgresStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

/// The checks of what PostgreSQL reads and writes in its own statements when sealed (messages,
/// events, checkpoints, memory and its search, kept responses, the documents of each kind),
/// one at a time: the whole suite once more beside the plain and tiered ones, each store with
/// its pool of threads and connections, left two cores too loaded for the tests that time
/// things. The SQLite and tiered suites run every check sealed.
@Suite("Conformance: PostgreSQL store, sealed", .serialized)
struct PostgresSealedConformanceTests {
    static let checks = Conformance.checks.filter { check in
        ["messages:", "memory:", "checkpoints:", "history:", "users:", "sessions:", "idempotency:", "retention:", "effects:", "steps:"]
            .contains { check.name.hasPrefix($0) }
    }

    @Test(arguments: checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: postgresSealedBackend)
    }
}

/// The schema's rows as `pg_dump` writes them: what a backup, or anyone who can read the
/// database, sees.
private func dump(_ store: PostgresStore) throws -> String {
    let c = store.configuration
    let binaries = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted().reversed()
        .map { "/usr/lib/postgresql/\($0)/bin/pg_dump" }.filter { FileManager.default.isExecutableFile(atPath: $0) }
    let pgDump = try #require(binaries.first, "pg_dump is not installed")
    let r = try runProcess(URL(fileURLWithPath: pgDump),
                           ["--data-only", "--host", c.host, "--port", String(c.port), "--username", c.user, "--schema", c.schema, c.database],
                           environment: ["PGPASSWORD": c.password ?? ""])
    #expect(r.status == 0, "pg_dump failed: \(r.stderr)")
    return r.stdout
}

/// Whether any file of the server's data directory (tables, indexes, the write-ahead log)
/// holds the text, after a checkpoint has written every changed page out.
private func dataDirectoryHolds(_ text: String, _ store: PostgresStore) async throws -> Bool {
    try await store.unsafeExecute("CHECKPOINT")
    let r = try runProcess(URL(fileURLWithPath: "/bin/grep"), ["-r", "-l", "-a", "-F", text, try TestPostgres.directory() + "/data"])
    // The server (busy with other tests) may remove a file between grep listing it and reading
    // it: grep then says so and exits 2, having still searched every other file.
    let vanished = r.stderr.split(separator: "\n").allSatisfy { $0.hasSuffix("No such file or directory") }
    #expect(r.status == 0 || r.status == 1 || (r.status == 2 && vanished), "grep failed: \(r.stderr)")
    return !r.stdout.isEmpty
}

@Suite("PostgreSQL: encryption at rest")
struct PostgresSealingTests {
    @Test("with a key ring, neither pg_dump nor the data directory shows what agents stored; without one, the same search finds it")
    func nothingPlainInADump() async throws {
        for ring in [SealingCheck.ring, nil] {
            let canary = SealingCheck.canary()
            let store = try await PostgresStore.open(url: TestPostgres.freshURL(), migrate: true, keyRing: ring)
            try await SealingCheck.writeEverywhere(store, canary: canary)
            try await SealingCheck.readBack(store, canary: canary)
            let text = try dump(store)
            let onDisk = try await dataDirectoryHolds(canary, store)
            try await store.close()
            #expect(text.contains("COPY") && text.contains("sealed"), "the dump holds the tenant's rows")
            #expect(text.contains(canary) == (ring == nil), "ring \(ring?.activeKeyId ?? "none"): pg_dump")
            #expect(onDisk == (ring == nil), "ring \(ring?.activeKeyId ?? "none"): data directory")
        }
    }

    @Test("a store written plain, then under an old key, ends under the newest key: re-sealed, searchable, and readable without the old key")
    func rotation() async throws {
        let url = try TestPostgres.freshURL()
        let canary = SealingCheck.canary()
        let plain = try await PostgresStore.open(url: url, migrate: true)
        try await SealingCheck.writeEverywhere(plain, canary: canary)
        try await plain.close()

        let old = try await PostgresStore.open(url: url, keyRing: SealingCheck.oldRing)
        #expect(try await old.resealAll(batch: 4).resealed >= 15)
        try await old.close()

        let both = try await PostgresStore.open(url: url, keyRing: SealingCheck.ring)
        try await SealingCheck.readBack(both, canary: canary)
        #expect(try await both.resealAll(batch: 4).resealed >= 15)
        #expect(try await both.resealAll().resealed == 0, "a second walk re-seals nothing")
        let text = try dump(both)
        #expect(!text.contains(canary) && !text.contains("\u{1}old:") && text.contains("\u{1}new:"))
        try await both.close()

        let newOnly = try await PostgresStore.open(url: url, keyRing: try DataKeyRing(keys: [("new", [UInt8](repeating: 9, count: 32))]))
        try await SealingCheck.readBack(newOnly, canary: canary)
        try await newOnly.close()
    }
}
