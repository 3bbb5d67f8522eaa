import AgentState
import Foundation
import GRDB
import ServiceLifecycle
import Synchronization

/// The embedded default: a SQLite file in WAL mode with one writer and a pool of readers.
///
/// Every operation is atomic, so a state change and its events commit together: alone it is one
/// SQLite transaction; with others waiting, one savepoint of a transaction they share (group
/// commit). Several processes may open the same file; SQLite serialises their writes.
public final class SQLiteStore: TransactionalStore, ChangeNotifying, AnswerKeeping {
    public enum Durability: String, Sendable, CaseIterable {
        /// Survives any crash of the process (WAL with `synchronous=NORMAL`).
        case process
        /// Also survives power loss: an fsync per commit (`synchronous=FULL`).
        case strict
    }

    public struct Configuration: Sendable {
        public var durability: Durability = .process
        public var readers: Int = 4
        /// How long a write waits for another process holding the file's write lock.
        public var busyTimeout: TimeInterval = 5
        /// Seals what agents store before it reaches the file; nil stores it plain.
        public var keyRing: DataKeyRing?
        /// Signs each event chain's head; nil signs nothing.
        public var chainSigner: ChainSigner?
        /// Sees every statement run, with its arguments filled in: for tests that check query plans.
        package var statementObserver: (@Sendable (String) -> Void)?
        /// Run the WAL checkpointer in a task of the store's own, stopped by `close()`. A server
        /// leaves it off and runs the store as a `Service` of its group instead.
        public var background = true

        public init(durability: Durability = .process, readers: Int = 4, busyTimeout: TimeInterval = 5, keyRing: DataKeyRing? = nil) {
            self.durability = durability
            self.readers = readers
            self.busyTimeout = busyTimeout
            self.keyRing = keyRing
        }
    }

    public let path: String
    let pool: DatabasePool
    private let commits: GroupCommit
    let walCheckpointer: WALCheckpointer
    private let checkpointTask: Task<Void, Never>?
    private let clock: any StoreClock
    let keyRing: DataKeyRing?
    let chainSigner: ChainSigner?
    private let sessionDocuments = SessionDocumentCache()
    /// Reports this process's commits. Another process writing the same file is not heard;
    /// feeds still look for news at their poll interval.
    public let changes = ChangeHub()
    /// Answers of idempotent requests, written with the next write transaction.
    public let answers = AnswerQueue()

    /// Opens (creating if needed) the file at `path` and brings its schema up to date.
    public init(path: String, configuration: Configuration = Configuration(), clock: any StoreClock = SystemClock()) throws {
        self.path = path
        self.clock = clock
        keyRing = configuration.keyRing
        chainSigner = configuration.chainSigner
        var config = GRDB.Configuration()
        config.maximumReaderCount = max(1, configuration.readers)
        config.busyMode = .timeout(configuration.busyTimeout)
        let observer = configuration.statementObserver
        config.prepareDatabase { db in
            // Commits leave checkpoints to the `WALCheckpointer`; this is only its backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
            if let observer {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { observer(statement.expandedSQL) }
                }
            }
        }
        // Conversations are private: a new file is the owner's alone, whatever the umask. It is
        // made here, before SQLite opens it, because SQLite gives the -wal and -shm files it
        // creates the mode of the database file as it is then.
        createOwnerOnlyFile(path)
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            self.pool = pool
            commits = GroupCommit(pool: pool, busyTimeout: configuration.busyTimeout)
            Self.narrowCompanions(of: path)
            // A file a newer AgentState has migrated may hold tables this one cannot read right
            // (v6 moved every message): refuse it rather than misread or write it.
            if try pool.read({ try SQLiteSchema.migrator.hasBeenSuperseded($0) }) {
                throw AgentStateError(.unavailable, "the SQLite store at \(path) was written by a newer AgentState; open it with that version or later")
            }
            try SQLiteSchema.migrator.migrate(pool)
            // Set on the writer after GRDB's own WAL set-up, which picks NORMAL.
            let synchronous = configuration.durability == .strict ? "FULL" : "NORMAL"
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            let walCheckpointer = try WALCheckpointer(path: path)
            self.walCheckpointer = walCheckpointer
            checkpointTask = configuration.background ? Task { await walCheckpointer.run() } : nil
            answers.setFlush { [weak self] in _ = try? await self?.write { _ in } }
        } catch let error as DatabaseError {
            throw AgentStateError(.unavailable, "cannot open SQLite store at \(path): \(error.message ?? "\(error)")")
        }
    }

    /// The schema versions applied to the file, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteSchema.migrator.appliedMigrations(db) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteTransaction) throws -> T) async throws -> T {
        let clock = self.clock, keyRing = self.keyRing, signer = self.chainSigner, sessionDocuments = self.sessionDocuments
        return try await Self.translatingErrors {
            try await pool.read { db in try body(SQLiteTransaction(db, now: clock.now(), keyRing: keyRing, chainSigner: signer, sessionDocuments: sessionDocuments)) }
        }
    }

    /// On the caller's thread: in WAL mode a reader never waits for a writer, and for a read by
    /// key the hop to a reader's queue and back cost more than the read (a turn ran 4–16%
    /// faster without it). Longer reads keep the hop, so they do not hold a thread of the
    /// caller's pool for long.
    public func lookUp<T: Sendable>(_ body: @escaping @Sendable (SQLiteTransaction) throws -> T) async throws -> T {
        let clock = self.clock, keyRing = self.keyRing, signer = self.chainSigner, sessionDocuments = self.sessionDocuments
        return try await Self.translatingErrors {
            try pool.read { db in try body(SQLiteTransaction(db, now: clock.now(), keyRing: keyRing, chainSigner: signer, sessionDocuments: sessionDocuments)) }
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteTransaction) throws -> T) async throws -> T {
        let clock = self.clock, keyRing = self.keyRing, signer = self.chainSigner, sessionDocuments = self.sessionDocuments
        // Read here: the body runs on the writer's queue, outside this task.
        let attempt = IdempotentAttempt.current
        let (result, changed) = try await answers.carried(by: attempt) { answers in
            try await Self.translatingErrors {
                try await commits.write { db in
                    let tx = SQLiteTransaction(db, now: clock.now(), keyRing: keyRing, chainSigner: signer, sessionDocuments: sessionDocuments)
                    try tx.openWrite(carrying: answers, for: attempt)
                    return (try body(tx), tx.changed)
                }
            }
        }
        changes.notify(changed)
        walCheckpointer.committed()
        return result
    }

    public func close() async throws {
        await answers.close()
        checkpointTask?.cancel()
        await checkpointTask?.value
        // The pool closes even if the WAL checkpointer's connection would not.
        let stopped = Result { try walCheckpointer.close() }
        try pool.close()
        try stopped.get()
    }

    /// Runs raw SQL against the file, outside the store's rules: for tests that play an
    /// attacker or a crash, and for tools.
    package func unsafeExecute(_ sql: String, _ arguments: StatementArguments = []) async throws {
        try await pool.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// Rewrites a stored event's data behind the store's back: for tests of tamper detection.
    package func tamperEvent(_ tenant: TenantID, stream: String, seq: Int64, data: JSONValue) async throws {
        try await unsafeExecute("UPDATE events SET data = ? WHERE tenant_id = ? AND stream = ? AND seq = ?",
                                [String(decoding: data.canonicalData, as: UTF8.self), tenant, stream, seq])
    }

    /// Reads the file directly on the writer's connection, outside the store's rules.
    package func unsafeRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.write { db in try body(db) }
    }

    private static func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN].contains(error.resultCode) {
            throw AgentStateError(.unavailable, "the SQLite store is unavailable: \(error.message ?? "\(error.resultCode)")")
        }
    }
}

extension SQLiteStore {
    /// WAL checkpoints run so far, for tests.
    package var walCheckpoints: Int { walCheckpointer.runs.load(ordering: .relaxed) }
}

/// A server runs the store's background work, the WAL checkpointer, as a service of its group,
/// until the group shuts down; the store is closed after that.
extension SQLiteStore: Service {
    public func run() async throws {
        await cancelWhenGracefulShutdown { [walCheckpointer] in await walCheckpointer.run() }
    }
}
