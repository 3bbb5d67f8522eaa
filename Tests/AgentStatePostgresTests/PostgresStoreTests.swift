import AgentState
import AgentStatePostgres
import AgentStateTesting
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@Suite("PostgreSQL: query plans, schema and URLs")
struct PostgresQueryPlanTests {
    @Test("every statement of the hot paths can be answered from an index, none needs a scan of a table")
    func everyHotQueryUsesAnIndex() async throws {
        let seen = Mutex<[String: [any SQLBindable]]>([:])
        var config = try PostgresStore.Configuration(url: TestPostgres.freshURL())
        config.statementObserver = { sql, arguments in seen.withLock { if $0[sql] == nil { $0[sql] = arguments } } }
        let clock = ManualClock()
        let store = try PostgresStore(configuration: config, clock: clock)
        try await store.migrate()

        try await HotPaths.exercise(store, clock: clock)

        let statements = seen.withLock { $0 }.filter { sql, _ in
            let s = sql.uppercased()
            return (s.hasPrefix("SELECT") || s.hasPrefix("UPDATE") || s.hasPrefix("DELETE") || s.hasPrefix("WITH")) && s.contains(" FROM ")
                && !s.contains("AGENTSTATE_MIGRATIONS")
        }
        #expect(statements.count > 40)
        for (sql, arguments) in statements.sorted(by: { $0.key < $1.key }) {
            // The test tables are tiny, so the planner would rightly prefer reading them whole;
            // with sequential scans priced out it shows whether an index can serve the query.
            let plan = try await store.unsafeRows("EXPLAIN " + sql, arguments, settings: ["SET LOCAL enable_seqscan = off"])
                .compactMap { $0.first ?? nil }
            #expect(!plan.contains { $0.contains("Seq Scan") }, "\(sql)\n  → \(plan.joined(separator: "\n    "))")
            // In a join, the joined rows are found by their key, never by a filter over a wider
            // scan: joined on a column of another collation (`sessions.id` sorts bytewise,
            // `messages.session_id` does not), the key is left to a filter.
            if sql.contains("JOIN") {
                #expect(!plan.contains { $0.contains("Filter: (session_id") || $0.contains("Filter: (run_id") }, "\(sql)\n  → \(plan.joined(separator: "\n    "))")
            }
        }
        try await store.close()
    }

    @Test("the claim query names the index meant for it")
    func claimUsesItsIndex() async throws {
        let store = try await TestPostgres.freshStore()
        let plan = try await store.unsafeRows("""
            EXPLAIN SELECT doc FROM runs WHERE tenant_id = $1 AND workflow = $2 AND claimable_at IS NOT NULL AND claimable_at <= $3
            ORDER BY claimable_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
            """, ["t", "wf", Int64(0)], settings: ["SET LOCAL enable_seqscan = off"]).compactMap { $0.first ?? nil }
        #expect(plan.contains { $0.contains("runs_claimable_by_workflow") }, "\(plan)")
        let window = try await store.unsafeRows("""
            EXPLAIN SELECT seq FROM messages WHERE tenant_id = $1 AND session_id = $2 AND seq < $3 AND seq > $4 ORDER BY seq DESC LIMIT 20
            """, ["t", "s", Int64.max, Int64(0)], settings: ["SET LOCAL enable_seqscan = off"]).compactMap { $0.first ?? nil }
        #expect(window.contains { $0.contains("messages_default_pkey") }, "\(window)")
        try await store.close()
    }

    @Test("a store with a signing key signs each chain head; a rewritten head or a stripped signature fails verification")
    func signedChains() async throws {
        let signer = try ChainSigner(parsing: try ChainSigner.newEntry(id: "pg1"))
        let store = try await PostgresStore.open(url: TestPostgres.freshURL(), migrate: true, chainSigner: signer)
        _ = try await store.createRun("t", RunCreate(id: "r", workflow: "wf"))
        _ = try await store.appendEvent("t", runId: "r", type: "note", data: ["n": 1])
        let good = try await store.verifyChain("t", stream: "run:r")
        #expect(good.valid && good.signature == .valid, "\(good)")
        // The head rewritten and re-hashed by someone without the key.
        var head = try #require(try await store.events("t", stream: "run:r", afterSeq: 1, limit: 1).first)
        head.data = ["data": ["n": 1_000]]
        head.hash = HashChain.hash(of: head)
        try await store.tamperEvent("t", stream: "run:r", seq: 2, data: head.data)
        try await store.unsafeExecute("UPDATE events SET hash = $1 WHERE tenant_id = 't' AND stream = 'run:r' AND seq = 2", [head.hash])
        let forged = try await store.verifyChain("t", stream: "run:r")
        #expect(forged.firstInvalidSeq == nil && !forged.valid && forged.signature == .invalid, "\(forged)")
        try await store.unsafeExecute("UPDATE events SET signature = NULL WHERE tenant_id = 't' AND stream = 'run:r'")
        #expect(try await store.verifyChain("t", stream: "run:r").signature == .missing)
        try await store.close()
    }

    @Test("a database not yet migrated is refused with the command that fixes it; migrating twice changes nothing")
    func migrations() async throws {
        let url = try TestPostgres.freshURL()
        let error = await #expect(throws: AgentStateError.self) { try await PostgresStore.open(url: url) }
        #expect(error?.code == .unavailable && error?.message.contains("agentstate migrate") == true)
        let first = try await PostgresStore.open(url: url, migrate: true)
        #expect(try await first.appliedMigrations() == ["v1-core", "v2-audit", "v3-retention", "v4-session-updated", "v5-event-signature", "v6-feed-listeners", "v7-hot-updates"])
        try await first.close()
        let second = try await PostgresStore.open(url: url, migrate: true)
        #expect(try await second.appliedMigrations() == ["v1-core", "v2-audit", "v3-retention", "v4-session-updated", "v5-event-signature", "v6-feed-listeners", "v7-hot-updates"])
        try await second.close()
    }

    @Test("store URLs: every option read, bad ones refused naming the option, the password never echoed")
    func urls() throws {
        let c = try PostgresStore.Configuration(url: "postgres://ann:s%40cret@db.example:6543/agents?sslmode=verify-full&schema=tenant_a&pool=40&connect_timeout=1.5")
        #expect(c.host == "db.example" && c.port == 6543 && c.user == "ann" && c.password == "s@cret" && c.database == "agents")
        #expect(c.tls == .verifyFull && c.schema == "tenant_a" && c.poolSize == 40 && c.connectTimeout == .milliseconds(1500))
        let d = try PostgresStore.Configuration(url: "postgresql://localhost")
        #expect(d.port == 5432 && d.tls == .prefer && d.schema == "public")
        for bad in ["postgres://h/db?sslmode=sometimes", "postgres://h/db?schema=Robert');DROP", "postgres://h/db?pool=0",
                    "postgres://h/db?colour=blue", "mysql://h/db"] {
            let error = #expect(throws: AgentStateError.self) { try PostgresStore.Configuration(url: bad) }
            #expect(error?.code == .invalidInput && error?.field == "store", "\(bad)")
        }
        let error = #expect(throws: AgentStateError.self) { try PostgresStore.Configuration(url: "mysql://ann:hunter2@h/db") }
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test("TLS when asked: sslmode=require encrypts, verify-full also checks the certificate against sslrootcert")
    func tls() async throws {
        let plain = try TestPostgres.freshURL()
        let certificate = try TestPostgres.directory() + "/server.crt"
        func encrypted(_ url: String) async throws -> Bool {
            let store = try await PostgresStore.open(url: url, migrate: true)
            let ssl = try await store.unsafeRows("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            try await store.close()
            return ssl.first?.first == "true"
        }
        #expect(try await encrypted(plain) == false)
        #expect(try await encrypted(plain.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require")))
        #expect(try await encrypted(plain.replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full&sslrootcert=\(certificate)")))
        // A self-signed certificate is not trusted without being named.
        let error = await #expect(throws: AgentStateError.self) {
            try await PostgresStore.open(url: plain.replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full"))
        }
        #expect(error?.code == .unavailable && error?.message.contains("cannot connect") == true, "\(String(describing: error))")
    }

    @Test("a wrong password or an unreachable server is a clear error when the store opens")
    func unreachable() async throws {
        let good = try PostgresStore.Configuration(url: TestPostgres.url())
        let wrong = "postgres://\(good.user):not-the-password@\(good.host):\(good.port)/\(good.database)?sslmode=disable"
        let error = await #expect(throws: AgentStateError.self) { try await PostgresStore.open(url: wrong) }
        #expect(error?.code == .unavailable && error?.message.contains("password authentication failed") == true)
        let closed = await #expect(throws: AgentStateError.self) {
            try await PostgresStore.open(url: "postgres://x@127.0.0.1:1/db?sslmode=disable&connect_timeout=1")
        }
        #expect(closed?.code == .unavailable)
    }
}

@Suite("PostgreSQL: change notices across servers")
struct PostgresChangeNoticeTests {
    @Test("a message appended through one store wakes a feed subscribed on another store of the same database")
    func listenNotify() async throws {
        let url = try TestPostgres.freshURL()
        let writer = try await PostgresStore.open(url: url, migrate: true)
        let reader = try await PostgresStore.open(url: url)
        _ = try await writer.createSession("acme", SessionCreate(id: "s"))
        let session = reader.changes.subscribe("acme", stream: EventStream.session("s"))
        let run = reader.changes.subscribe("acme", stream: EventStream.run("r"))
        defer { session.cancel(); run.cancel() }
        // The listener wakes every feed once it listens: wait for that, and take that wake-up.
        while !reader.isListening { try await Task.sleep(for: .milliseconds(20)) }
        await session.next(timeout: .milliseconds(1))
        await run.next(timeout: .milliseconds(1))

        let clock = ContinuousClock()
        var start = clock.now
        _ = try await writer.appendMessages("acme", "s", [.user("hi")], expectedLastSeq: nil)
        await session.next(timeout: .seconds(120))
        #expect(clock.now - start < .seconds(60), "the other store heard the append")

        start = clock.now
        _ = try await writer.createRun("acme", RunCreate(id: "r", workflow: "wf"))
        await run.next(timeout: .seconds(120))
        #expect(clock.now - start < .seconds(60), "the other store heard the run's event")
        try await writer.close()
        try await reader.close()
    }
}

extension PostgresChangeNoticeTests {
    @Test("a store listens for other servers' changes only while a feed is open")
    func listensOnDemand() async throws {
        let store = try await TestPostgres.freshStore()
        let clock = ContinuousClock()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!store.isListening, "no feed, no listener")
        let feed = store.changes.subscribe("acme", stream: EventStream.session("s"))
        var deadline = clock.now + .seconds(30)
        while !store.isListening, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.isListening, "a feed opened: listening")
        feed.cancel()
        deadline = clock.now + .seconds(30)
        while store.isListening, clock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!store.isListening, "the last feed closed: no longer listening")
        let again = store.changes.subscribe("acme", stream: EventStream.session("s"))
        deadline = clock.now + .seconds(30)
        while !store.isListening, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.isListening, "a feed opened again: listening again")
        again.cancel()
        try await store.close()
    }
}

extension PostgresChangeNoticeTests {
    @Test("writes send a change notice only while some server listens for one: none before a feed opens, none after it closes")
    func noticesOnlyWhileHeard() async throws {
        let url = try TestPostgres.freshURL()
        let writer = try await PostgresStore.open(url: url, migrate: true)
        let reader = try await PostgresStore.open(url: url)
        _ = try await writer.createSession("acme", SessionCreate(id: "s"))
        // A connection of the test's own hears every notice sent, without a row in feed_listeners.
        let c = try PostgresStore.Configuration(url: url)
        let heard = NoticeCount()
        let channel = PostgresStore.channel(c)
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: c.host, port: c.port, username: c.user, password: c.password, database: c.database, tls: .disable),
            id: 1, logger: Logger(label: "test"))
        let ear = Task {
            try await connection.listen(on: channel) { notices in
                for try await _ in notices { heard.add() }
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        func appendAndCount() async throws -> Int {
            let before = heard.value
            _ = try await writer.appendMessages("acme", "s", [.user("hi")], expectedLastSeq: nil)
            try await Task.sleep(for: .milliseconds(500))
            return heard.value - before
        }
        #expect(try await appendAndCount() == 0, "no server listens: no notice")

        let feed = reader.changes.subscribe("acme", stream: EventStream.session("s"))
        let clock = ContinuousClock()
        var deadline = clock.now + .seconds(30)
        while !reader.isListening, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await appendAndCount() > 0, "a server listens: the append is announced")

        feed.cancel()
        deadline = clock.now + .seconds(30)
        while reader.isListening, clock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await appendAndCount() == 0, "the last feed closed: no notice again")

        ear.cancel()
        try await connection.close()
        try await writer.close()
        try await reader.close()
    }
}

private final class NoticeCount: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

@Suite("PostgreSQL: monthly partitions")
struct PostgresPartitionTests {
    @Test("partitions are made ahead for this month and the next, rows land in their month's, and a past month emptied by retention is dropped; one with rows stays")
    func monthlyPartitions() async throws {
        let clock = ManualClock(try #require(ISO8601DateFormatter().date(from: "2027-01-31T23:30:00Z")))
        let store = try await TestPostgres.freshStore(clock: clock)
        let first = try await store.keepPartitions()
        #expect(first.created.filter { $0.hasPrefix("messages_") } == ["messages_y2027m01", "messages_y2027m02"])
        #expect(first.created.count == 6, "messages, events and the audit trail: \(first.created)")
        #expect(try await store.keepPartitions() == PartitionReport(), "a second upkeep changes nothing")

        _ = try await store.createSession("acme", SessionCreate(id: "january"))
        _ = try await store.appendMessages("acme", "january", [.user("before midnight")], expectedLastSeq: nil)
        clock.advance(by: 3600)  // February
        _ = try await store.createSession("acme", SessionCreate(id: "february"))
        _ = try await store.appendMessages("acme", "february", [.user("after midnight")], expectedLastSeq: nil)
        let homes = try await store.unsafeRows("SELECT session_id, tableoid::regclass::text FROM messages ORDER BY session_id")
        #expect(homes.map { $0[1]?.split(separator: ".").last.map(String.init) } == ["messages_y2027m02", "messages_y2027m01"],
                "\(homes)")
        #expect(try await store.keepPartitions().created.filter { $0.hasPrefix("messages_") } == ["messages_y2027m03"])

        // April: January and February are past. Retention (here, a deletion) empties January.
        try await store.deleteSession("acme", "january")
        clock.advance(by: 60 * 86_400)
        let april = try await store.keepPartitions()
        #expect(april.dropped.contains("messages_y2027m01") && april.dropped.contains("events_y2027m01"), "\(april)")
        #expect(!april.dropped.contains("messages_y2027m02"), "February still holds a message: \(april)")
        #expect(try await store.messages("acme", "february", .last(10)).messages.map(\.content) == ["after midnight"])
        try await store.close()
    }
}

@Suite("PostgreSQL: the sweeper on every server")
struct PostgresSweeperTests {
    @Test("sweepers of several servers running at once fire each timer and expire each approval once")
    func concurrentSweepers() async throws {
        let url = try TestPostgres.freshURL()
        let clock = ManualClock()
        let first = try await PostgresStore.open(url: url, migrate: true, clock: clock)
        let stores = [first, try await PostgresStore.open(url: url, clock: clock), try await PostgresStore.open(url: url, clock: clock)]
        let count = 120
        for i in 0..<count {
            _ = try await first.createRun("acme", RunCreate(id: "r\(i)", workflow: "wf"))
            let claimed = try #require(try await first.claim("acme", ClaimRequest(worker: "w")))
            if i % 2 == 0 {
                _ = try await first.wait("acme", claimed.run.id, WaitRequest(until: clock.now().adding(seconds: 10), fencingToken: claimed.lease.token))
            } else {
                _ = try await first.requestApproval("acme", claimed.run.id, ApprovalRequest(approver: "ann", reason: "ok?", timeoutSeconds: 10,
                                                                                             fencingToken: claimed.lease.token))
            }
        }
        clock.advance(by: 60)

        let reports = try await withThrowingTaskGroup(of: [SweepReport].self) { group in
            for store in stores {
                group.addTask {
                    var mine: [SweepReport] = []
                    for _ in 0..<4 { mine.append(try await store.sweep()) }
                    return mine
                }
            }
            return try await group.reduce(into: [SweepReport]()) { $0 += $1 }
        }
        #expect(reports.map(\.timersFired).reduce(0, +) == count / 2, "each timer fired once in all")
        #expect(reports.map(\.approvalsExpired).reduce(0, +) == count / 2, "each approval expired once in all")
        for i in 0..<count {
            let events = try await first.events("acme", stream: EventStream.run("r\(i)"), afterSeq: 0, limit: 100)
            let fired = events.filter { $0.type == "timer.fired" }.count
            #expect(i % 2 == 1 || fired == 1, "r\(i): fired \(fired) times")
        }
        #expect(try await first.runs("acme", RunQuery(status: .waiting)).items.isEmpty)
        for store in stores { try await store.close() }
    }
}
