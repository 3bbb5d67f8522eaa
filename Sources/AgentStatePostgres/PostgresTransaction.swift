import AgentState
import Foundation
import Logging
import PostgresNIO

/// The row primitives over one pooled connection inside one transaction. It runs on a thread of
/// the store's pool and waits there for the statements whose answers it needs, which is why the
/// shared operations can stay synchronous.
///
/// A statement whose answer is not needed (BEGIN, an insert, an update) is sent without waiting:
/// PostgreSQL answers in order and fails whatever follows a failed statement in the transaction,
/// so the next statement waited for (at the latest COMMIT) reports the failure, and the thread
/// sleeps once per answer it reads rather than once per statement.
public final class PostgresTransaction: StoreTransaction, ValueSealing {
    let connection: PostgresConnection
    let statements: ConnectionStatements
    public let now: Date
    public let keyRing: DataKeyRing?
    public let chainSigner: ChainSigner?
    /// In a write transaction, rows read are locked until it ends.
    let writing: Bool
    let logger: Logger
    /// Where inserts of events and messages announce themselves (NOTIFY, delivered on commit).
    let channel: String
    let observer: (@Sendable (String, [any SQLBindable]) -> Void)?
    /// Behind a transaction-mode pooler, the schema each transaction sets for itself; its
    /// statements then go unprepared, as a prepared one would not outlive the transaction's
    /// hold on the database connection.
    let pooledSchema: String?
    private let unanswered = UnansweredFailure()

    init(_ connection: PostgresConnection, statements: ConnectionStatements, now: Date, writing: Bool, logger: Logger, channel: String,
         keyRing: DataKeyRing?, chainSigner: ChainSigner? = nil, observer: (@Sendable (String, [any SQLBindable]) -> Void)? = nil,
         pooledSchema: String? = nil) {
        self.connection = connection
        self.statements = statements
        self.now = now
        self.keyRing = keyRing
        self.chainSigner = chainSigner
        self.writing = writing
        self.logger = logger
        self.channel = channel
        self.observer = observer
        self.pooledSchema = pooledSchema
    }

    /// The NOTIFY payload for a changed stream.
    func notice(_ tenant: TenantID, _ stream: String) -> String { tenant + "\n" + stream }

    /// The change notice an insert of messages or events carries (channel `$9`, payload `$10`),
    /// sent only while some server listens for one (`feed_listeners`, see `PostgresStore.Background`).
    /// PostgreSQL serializes the commits of transactions that NOTIFY, through each one's flush to
    /// disk, so a notice nobody hears would cost every concurrent write its group commit.
    static let announcement = """
        (SELECT CASE WHEN EXISTS (SELECT 1 FROM feed_listeners WHERE expires_at > now()) THEN pg_notify($9, $10) END) AS announced
        """

    /// Runs `body` between BEGIN and COMMIT, rolling back if it throws. Reads see one snapshot.
    ///
    /// A write's COMMIT is waited for: its answer is the acknowledgement. A read's is not: what
    /// it read is already in hand, and the connection's next user sends after it.
    func run<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        execute(writing ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        // The schema's name is checked when the URL is read: letters, digits and '_'.
        if let pooledSchema { execute("SET LOCAL search_path TO \(pooledSchema)") }
        do {
            let result = try body(self)
            if writing { _ = try answer("COMMIT", []) } else { execute("COMMIT") }
            return result
        } catch {
            // A connection that closed has nothing to roll back (the server already did).
            if !connection.isClosed { _ = try? answer("ROLLBACK", []) }
            throw error
        }
    }

    /// Streams (`run:…`, `session:…`) whose owning row this transaction holds locked: their
    /// events are then this transaction's alone without a lock of their own.
    private(set) var lockedStreams: Set<ChangedStream> = []

    /// Notes, in a write transaction, that the stream's owning row is held.
    func hold(_ tenant: TenantID, stream: String) {
        if writing { lockedStreams.insert(ChangedStream(tenant, stream)) }
    }

    /// The last event of a held stream, where it was read along with the owning row (or written
    /// since): no other transaction can append to it meanwhile, so appending reads nothing.
    struct KnownHead {
        let head: (seq: Int64, hash: String)?
    }
    var knownHeads: [ChangedStream: KnownHead] = [:]

    /// The index a new step of a run would take, read along with a step in a write transaction:
    /// a step written for the first time then needs no statement of its own to find it.
    var nextStepIndexes: [RunKey: Int] = [:]

    /// The runs this write transaction holds locked, as it last read or wrote them (keyed by
    /// tenant and run id): a second read of one (a step and its checkpoint saved together)
    /// needs no statement.
    var heldRuns: [RunKey: Run] = [:]

    /// A run of a tenant, as the key of what a transaction knows of it.
    struct RunKey: Hashable {
        let tenant: TenantID
        let id: String
        init(_ tenant: TenantID, _ id: String) { (self.tenant, self.id) = (tenant, id) }
    }

    /// How long one statement may keep this thread waiting. The driver fails a statement when
    /// its connection drops, but a wait must not hang a request (or a shutdown) if it does not.
    static let statementTimeout: TimeAmount = .seconds(60)

    /// Sends a statement and waits, at most `statementTimeout`, for its answer, or for the
    /// failure of a statement sent before it without waiting.
    private func answer(_ sql: String, _ arguments: [any SQLBindable], prepare: Bool = true) throws -> Answer {
        observer?(sql, arguments)
        let prepare = prepare && pooledSchema == nil
        let handoff = Handoff<Answer>()
        let (connection, statements, unanswered, logger) = (self.connection, self.statements, self.unanswered, self.logger)
        connection.eventLoop.execute {
            let timer = connection.eventLoop.scheduleTask(in: Self.statementTimeout) {
                // What the connection would say next cannot be trusted: close it, so the pool
                // replaces it.
                let _: EventLoopFuture<Void> = connection.close()
                handoff.fulfill(.failure(AgentStateError(.unavailable,
                                                         "PostgreSQL did not answer within \(Self.statementTimeout.nanoseconds / 1_000_000_000) s")))
            }
            statements.send(sql, arguments, prepare: prepare, logger: logger).whenComplete { result in
                timer.cancel()
                // Answers arrive in order: an earlier failure is known by now, and it is the cause.
                handoff.fulfill(unanswered.failure.map { .failure($0) } ?? result)
            }
        }
        return try handoff.wait()
    }

    /// `FOR UPDATE` in a write transaction: whatever the transaction read, it may change
    /// without another one changing it in between.
    var lock: String { writing ? " FOR UPDATE" : "" }

    /// Like `lock`, but passing over rows another transaction holds: for queues.
    var lockOrSkip: String { writing ? " FOR UPDATE SKIP LOCKED" : "" }

    // MARK: Statement helpers

    /// Sends a statement whose answer is not needed, without waiting (see the type's comment).
    package func execute(_ sql: String, _ arguments: [any SQLBindable] = []) {
        observer?(sql, arguments)
        let (statements, unanswered, logger, prepare) = (self.statements, self.unanswered, self.logger, pooledSchema == nil)
        connection.eventLoop.execute {
            statements.send(sql, arguments, prepare: prepare, logger: logger).whenFailure { unanswered.record($0) }
        }
    }

    package func rows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let answer = try answer(sql, arguments)
        return answer.rows.map { SQLRow($0, labelledText: answer.labelledText) }
    }

    func row(_ sql: String, _ arguments: [any SQLBindable]) throws -> SQLRow? {
        let answer = try answer(sql, arguments)
        return answer.rows.first.map { SQLRow($0, labelledText: answer.labelledText) }
    }

    func docs<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: [any SQLBindable]) throws -> [T] {
        try rows(sql, arguments).map { try document(T.self, in: $0[0]) }
    }

    /// A record from its stored (maybe sealed) JSON document.
    func document<T: Decodable>(_ type: T.Type, in cell: PostgresCell) throws -> T {
        try StoredDocument.decode(T.self, open(cell.decode(String.self)))
    }

    func doc<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: [any SQLBindable]) throws -> T? {
        try docs(type, sql, arguments).first
    }

    /// Runs a DELETE (or an INSERT that may store nothing) and reports how many rows it changed
    /// (unprepared: the driver keeps a prepared statement's count to itself).
    func rowsChanged(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        try answer(sql, arguments, prepare: false).affected ?? 0
    }
}

/// The first failure among the statements a transaction sent without waiting. Touched only on
/// the connection's event loop, where the answers arrive.
private final class UnansweredFailure: @unchecked Sendable {
    private(set) var failure: (any Error)?
    func record(_ error: any Error) {
        if failure == nil { failure = error }
    }
}

/// The WHERE clause of a filtered, paged list of one tenant's records, with its parameters
/// numbered as they are added.
struct ListQuery {
    private var conditions = ["tenant_id = $1"]
    private var arguments: [any SQLBindable]

    init(tenant: TenantID) { arguments = [tenant] }

    private var next: String { "$\(arguments.count + 1)" }

    /// Adds a condition whose `?` stands for `value`.
    mutating func add(_ condition: String, _ value: any SQLBindable) {
        conditions.append(condition.replacingOccurrences(of: "?", with: next))
        arguments.append(value)
    }

    /// Keeps the records strictly after the cursor in `(created_at, id)` order.
    mutating func after(_ cursor: PageCursor?, descending: Bool) {
        guard let cursor else { return }
        conditions.append("(created_at, id) \(descending ? "<" : ">") (\(next), $\(arguments.count + 2))")
        arguments += [cursor.time, cursor.id]
    }

    func select(from table: String, descending: Bool, limit: Int) -> (sql: String, arguments: [any SQLBindable]) {
        let order = descending ? "created_at DESC, id DESC" : "created_at, id"
        return ("SELECT doc FROM \(table) WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT \(next)", arguments + [limit])
    }
}

/// A value that can be a statement's parameter.
public protocol SQLBindable: Sendable {
    func bind(into binds: inout PostgresBindings)
    /// The same value for a prepared statement, which the driver binds from this older type.
    var postgresData: PostgresData { get }
}

extension PostgresData {
    /// A value in the driver's binary encoding, as `PostgresBindings` would send it.
    static func encoding<T: PostgresNonThrowingEncodable>(_ value: T) -> PostgresData {
        var buffer = ByteBuffer()
        value.encode(into: &buffer, context: .default)
        return PostgresData(type: T.psqlType, formatCode: T.psqlFormat, value: buffer)
    }
}

/// A value the driver encodes unchanged is bound as it is.
extension SQLBindable where Self: PostgresNonThrowingEncodable {
    public func bind(into binds: inout PostgresBindings) { binds.append(self) }
    public var postgresData: PostgresData { .encoding(self) }
}

extension String: SQLBindable {}
extension Int64: SQLBindable {}
extension Bool: SQLBindable {}

extension Int: SQLBindable {
    public func bind(into binds: inout PostgresBindings) { binds.append(Int64(self)) }
    public var postgresData: PostgresData { .encoding(Int64(self)) }
}

extension Date: SQLBindable {
    /// Times are stored as milliseconds since 1970.
    public func bind(into binds: inout PostgresBindings) { binds.append(millisecondsSince1970) }
    public var postgresData: PostgresData { .encoding(millisecondsSince1970) }
}

/// A column of values sent as one array parameter, for inserting many rows in one statement.
public enum SQLArray: SQLBindable {
    case texts([String])
    case ints([Int64])

    public func bind(into binds: inout PostgresBindings) {
        switch self {
        case .texts(let values): binds.append(values)
        case .ints(let values): binds.append(values)
        }
    }

    public var postgresData: PostgresData {
        switch self {
        case .texts(let values): .encoding(values)
        case .ints(let values): .encoding(values)
        }
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public func bind(into binds: inout PostgresBindings) {
        if let self { self.bind(into: &binds) } else { binds.appendNull() }
    }

    public var postgresData: PostgresData { self?.postgresData ?? .null }

}
