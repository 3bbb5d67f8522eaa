import AgentState
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The durable store for many stateless servers: PostgreSQL through postgres-nio's pooled
/// `PostgresClient`.
///
/// The operations are the shared ones of `TransactionalStore`, written over synchronous row
/// primitives. Each transaction therefore runs on a thread of the store's own pool (never on an
/// event loop or a cooperative thread), holding one pooled connection, and waits there for the
/// answers it reads (see `PostgresTransaction`); each statement is prepared once per connection
/// (see `ConnectionStatements`). In a write transaction every row it reads is locked (`FOR UPDATE`), so
/// concurrent changes to one run or session queue up instead of overwriting each other, and
/// queue-like reads (claims, the sweeper's due lists) skip rows another server holds
/// (`SKIP LOCKED`). A transaction that loses a race anyway (a deadlock, a serialization failure,
/// two inserts of one key) is run again from the start.
public final class PostgresStore: TransactionalStore, ChangeNotifying, AnswerKeeping, Sendable {
    public let configuration: Configuration
    /// Fed by LISTEN on the store's channel: commits on every server that shares the database.
    public let changes = ChangeHub()
    /// Answers of idempotent requests, written with the next write transaction.
    public let answers = AnswerQueue()
    private let client: PostgresClient
    /// The client's connections and the LISTEN loop, when the store runs them itself (see
    /// `init`'s `background`).
    private let backgroundTask: Task<Void, Never>?
    private let listening = Flag()
    /// The NOTIFY channel of the store's schema.
    private let channel: String
    /// The client's connections and the LISTEN loop, run by `backgroundTask` or by `run()`.
    private let work: Background
    private let threads: NIOThreadPool
    let clock: any StoreClock
    private let logger: Logger
    private let maxAttempts = 8
    private let statements = StatementCache()

    /// Connects to the database. With `migrate`, brings the schema up to date first; without,
    /// fails unless another process (`agentstate migrate`) already did.
    ///
    /// With `background` off (a server's), the store's connections open only once its `run()`
    /// runs in the server's service group: the checks and the migration are made first, through
    /// a store of their own that is closed at once.
    public static func open(url: String, migrate: Bool = false, keyRing: DataKeyRing? = nil, chainSigner: ChainSigner? = nil, clock: any StoreClock = SystemClock(),
                            logger: Logger = PostgresStore.quietLogger, background: Bool = true) async throws -> PostgresStore {
        var configuration = try Configuration(url: url)
        configuration.keyRing = keyRing
        configuration.chainSigner = chainSigner
        let store = try PostgresStore(configuration: configuration, clock: clock, logger: logger)
        do {
            try await store.probe()
            if migrate { try await store.migrate() }
            try await store.checkSchema()
        } catch {
            try? await store.close()
            throw error
        }
        guard !background else { return store }
        try await store.close()
        return try PostgresStore(configuration: configuration, clock: clock, logger: logger, background: false)
    }

    /// The driver reports each failed connection attempt at `info`, which a command-line
    /// user does not want to read; the failures that matter reach the caller as errors.
    public static var quietLogger: Logger {
        var logger = Logger(label: "agentstate.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// - Parameter background: run the client's connections and the LISTEN loop in a task of
    ///   this store's own, stopped by `close()`. A server leaves it off and runs the store as a
    ///   `Service` of its group instead, which it must, or no query is ever answered.
    public init(configuration: Configuration, clock: any StoreClock = SystemClock(),
                logger: Logger = PostgresStore.quietLogger, background: Bool = true) throws {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        var config = PostgresClient.Configuration(host: configuration.host, port: configuration.port, username: configuration.user,
                                                  password: configuration.password, database: configuration.database,
                                                  tls: Self.clientTLS(configuration))
        config.options.maximumConnections = configuration.poolSize + 1  // one more for the LISTEN connection
        config.options.connectTimeout = configuration.connectTimeout
        // A transaction-mode pooler passes no search_path from a client's start-up to the
        // connections it hands out: each transaction sets it then (`PostgresTransaction.run`).
        config.options.additionalStartupParameters = configuration.pooler == .transaction
            ? [("application_name", "agentstate")]
            : [("search_path", configuration.schema), ("application_name", "agentstate")]
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.client = client
        let channel = Self.channel(configuration)
        self.channel = channel
        let work = Background(client: client, channel: channel, id: UUID().uuidString, changes: changes, flag: listening, logger: logger,
                              listens: configuration.pooler == .none)
        self.work = work
        backgroundTask = background ? Task { await work.run() } : nil
        threads = NIOThreadPool(numberOfThreads: configuration.poolSize)
        threads.start()
        answers.setFlush { [weak self] in _ = try? await self?.write { _ in } }
    }

    /// The TLS settings of the URL's `sslmode`: none, or a configuration and whether TLS is required.
    private static func tls(_ c: Configuration) -> (configuration: TLSConfiguration, required: Bool)? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch c.tls {
        case .disable:
            return nil
        case .prefer, .require:
            tls.certificateVerification = .none
            return (tls, c.tls == .require)
        case .verifyFull:
            if let path = c.rootCertificatePath { tls.trustRoots = .file(path) }
            return (tls, true)
        }
    }

    private static func clientTLS(_ c: Configuration) -> PostgresClient.Configuration.TLS {
        guard let tls = tls(c) else { return .disable }
        return tls.required ? .require(tls.configuration) : .prefer(tls.configuration)
    }

    /// One connection outside the pool, made and closed at once: a wrong password or an
    /// unreachable host is then reported as such when the store opens, rather than as a
    /// request that found no connection.
    private func probe() async throws {
        let c = configuration
        var tls = PostgresConnection.Configuration.TLS.disable
        if let settings = Self.tls(c) {
            let context = try NIOSSLContext(configuration: settings.configuration)
            tls = settings.required ? .require(context) : .prefer(context)
        }
        var config = PostgresConnection.Configuration(host: c.host, port: c.port, username: c.user, password: c.password,
                                                      database: c.database, tls: tls)
        config.options.connectTimeout = .nanoseconds(c.connectTimeout.components.seconds * 1_000_000_000
                                                      + c.connectTimeout.components.attoseconds / 1_000_000_000)
        do {
            let connection = try await PostgresConnection.connect(configuration: config, id: 0, logger: logger)
            try await connection.close()
        } catch {
            let reason: String
            if let error = error as? PSQLError {
                reason = error.serverInfo?[.message] ?? error.underlying.map { "\($0)" } ?? "\(error.code)"
            } else {
                reason = "\(error)"
            }
            throw AgentStateError(.unavailable, "cannot connect to PostgreSQL at \(c.host):\(c.port) as '\(c.user)': \(reason)")
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (PostgresTransaction) throws -> T) async throws -> T {
        try await transaction(writing: false, body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (PostgresTransaction) throws -> T) async throws -> T {
        let attempt = IdempotentAttempt.current
        return try await answers.carried(by: attempt) { answers in
            try await transaction(writing: true) { tx in
                try tx.openWrite(carrying: answers, for: attempt)
                return try body(tx)
            }
        }
    }

    public func close() async throws {
        await answers.close()
        backgroundTask?.cancel()
        await backgroundTask?.value
        try await threads.shutdownGracefully()
    }

    private func transaction<T: Sendable>(writing: Bool, _ body: @escaping @Sendable (PostgresTransaction) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { [clock, logger, threads, channel, statements, keyRing = configuration.keyRing,
                                                   signer = configuration.chainSigner, observer = configuration.statementObserver,
                                                   pooled = configuration.pooler == .transaction ? configuration.schema : nil] connection in
                    try await threads.runIfActive {
                        try PostgresTransaction(connection, statements: statements.statements(for: connection), now: clock.now(),
                                                writing: writing, logger: logger, channel: channel, keyRing: keyRing, chainSigner: signer,
                                                observer: observer, pooledSchema: pooled).run(body)
                    }
                }
            } catch let error as StatementNotPrepared {
                // Marked to go unprepared from now on; nothing was committed.
                guard attempt < maxAttempts else { throw PostgresFailure(driverError: error.underlying)?.error ?? error.underlying }
                attempt += 1
                continue
            } catch {
                guard let failure = PostgresFailure(driverError: error) else { throw error }
                if failure.isRace, attempt < maxAttempts {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(Int64.random(in: 1...(5 * Int64(attempt)))))
                    continue
                }
                throw failure.error
            }
        }
    }

    /// Leases a pooled connection for `body`, or fails as unavailable when none comes within the
    /// connect timeout: with the database down the pool would otherwise keep the request waiting
    /// while it retries.
    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = Flag()
        let timeout = configuration.connectTimeout
        let target = "\(configuration.host):\(configuration.port)"
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { [client] in
                try await client.withConnection { connection in
                    leased.set()
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                if leased.isSet { return nil }
                throw AgentStateError(.unavailable, "PostgreSQL at \(target) gave no connection within \(timeout)")
            }
            while let result = try await group.next() {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }

    // MARK: Change notifications

    /// The NOTIFY channel of the store's schema (names longer than PostgreSQL's 63 bytes would be cut).
    package static func channel(_ c: Configuration) -> String {
        String(("agentstate_" + c.schema).prefix(63))
    }

    /// Whether change notices are being heard now (for tests and the health of the feed).
    package var isListening: Bool { listening.isSet }

    // MARK: Schema

    /// Applies the migrations the database lacks, each in its own transaction, under an advisory
    /// lock so that servers started together apply each one once.
    public func migrate() async throws {
        let schema = configuration.schema
        _ = try await write { tx in
            // Servers migrating one schema take turns; stores in other schemas of the database
            // (tenants apart, tests) need not wait for each other.
            tx.execute("SELECT pg_advisory_xact_lock(hashtext('agentstate.migrate.' || $1))", [schema])
            tx.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
            tx.execute("CREATE TABLE IF NOT EXISTS \(schema).agentstate_migrations (version text PRIMARY KEY, applied_at bigint NOT NULL)")
            let applied = Set(try tx.rows("SELECT version FROM \(schema).agentstate_migrations", []).map { try $0[0].decode(String.self) })
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                for statement in migration.sql.components(separatedBy: ";\n") where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    tx.execute(statement)
                }
                tx.execute("INSERT INTO \(schema).agentstate_migrations (version, applied_at) VALUES ($1, $2)",
                           [migration.version, tx.now.millisecondsSince1970])
            }
            return true
        }
    }

    /// The schema versions applied to the database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        let schema = configuration.schema
        return try await read { tx in
            guard try tx.rows("SELECT to_regclass($1)::text", ["\(schema).agentstate_migrations"]).first?[0].decode(String?.self) != nil
            else { return [] }
            return try tx.rows("SELECT version FROM \(schema).agentstate_migrations ORDER BY applied_at, version", [])
                .map { try $0[0].decode(String.self) }
        }
    }

    private func checkSchema() async throws {
        let applied = try await appliedMigrations()
        let missing = PostgresSchema.migrations.map(\.version).filter { !applied.contains($0) }
        guard missing.isEmpty else {
            throw AgentStateError(.unavailable, """
                the PostgreSQL schema '\(configuration.schema)' lacks migrations \(missing.joined(separator: ", ")): \
                run `agentstate migrate --store …` or start the server with --migrate
                """)
        }
    }

    /// Runs raw SQL outside the store's rules: for tests that play an attacker, and for tools.
    package func unsafeExecute(_ sql: String, _ arguments: [any SQLBindable] = []) async throws {
        _ = try await write { tx in tx.execute(sql, arguments); return true }
    }

    /// Rewrites a stored event's data behind the store's back: for tests of tamper detection.
    package func tamperEvent(_ tenant: TenantID, stream: String, seq: Int64, data: JSONValue) async throws {
        try await unsafeExecute("UPDATE events SET data = $1 WHERE tenant_id = $2 AND stream = $3 AND seq = $4",
                                [String(decoding: data.canonicalData, as: UTF8.self), tenant, stream, seq])
    }

    /// Reads rows outside the store's rules, after `settings` (`SET LOCAL …`) in the same
    /// transaction: for tests that check query plans.
    package func unsafeRows(_ sql: String, _ arguments: [any SQLBindable] = [], settings: [String] = []) async throws -> [[String?]] {
        try await read { tx in
            for setting in settings { tx.execute(setting) }
            return try tx.rows(sql, arguments).map { row in try (0..<row.count).map { try row[$0].decode(String?.self) } }
        }
    }
}

/// A flag set in one task, read from another.
final class Flag: Sendable {
    private let value = Atomic(false)
    func set(_ on: Bool = true) { value.store(on, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// A server runs the store's connections and its LISTEN loop as a service of its group. It must
/// stop last of all the server's services, after the store has written what it holds on closing
/// (see `buildApplication`'s `underlyingServices`).
extension PostgresStore: Service {
    public func run() async throws {
        await cancelWhenGracefulShutdown { [work] in
            await withDiscardingTaskGroup { group in
                group.addTask { await work.run() }
                group.addTask { await self.keepPartitionsHourly() }
            }
        }
    }

    /// A server keeps the partitions at start and every hour after (`keepPartitions`).
    private func keepPartitionsHourly() async {
        while !Task.isCancelled {
            do {
                let report = try await keepPartitions()
                if !report.created.isEmpty || !report.dropped.isEmpty || !report.skipped.isEmpty {
                    logger.info("partitions kept", metadata: ["created": "\(report.created)", "dropped": "\(report.dropped)",
                                                              "left in the default partition": "\(report.skipped)"])
                }
            } catch {
                logger.warning("keeping the partitions failed; trying again in an hour", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
