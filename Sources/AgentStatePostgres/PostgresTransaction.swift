import AgentState
import Foundation
import Logging
import PostgresNIO

/// The row primitives over one pooled connection inside one transaction. It runs on a thread of
/// the store's pool and waits there for each statement, which is why the shared operations can
/// stay synchronous.
public final class PostgresTransaction: StoreTransaction, ValueSealing {
    let connection: PostgresConnection
    public let now: Date
    public let keyRing: DataKeyRing?
    /// In a write transaction, rows read are locked until it ends.
    let writing: Bool
    let logger: Logger
    /// Where inserts of events and messages announce themselves (NOTIFY, delivered on commit).
    let channel: String
    let observer: (@Sendable (String, [any SQLBindable]) -> Void)?

    init(_ connection: PostgresConnection, now: Date, writing: Bool, logger: Logger, channel: String, keyRing: DataKeyRing?,
         observer: (@Sendable (String, [any SQLBindable]) -> Void)? = nil) {
        self.connection = connection
        self.now = now
        self.keyRing = keyRing
        self.writing = writing
        self.logger = logger
        self.channel = channel
        self.observer = observer
    }

    /// The NOTIFY payload for a changed stream.
    func notice(_ tenant: TenantID, _ stream: String) -> String { tenant + "\n" + stream }

    /// Runs `body` between BEGIN and COMMIT, rolling back if it throws. Reads see one snapshot.
    ///
    /// Each statement is waited for. Sending BEGIN (and a read's COMMIT) without waiting saved a
    /// wake-up per transaction, but with the connection dropping underneath, a statement queued
    /// behind an unanswered one was seen never to be answered, so it is not done.
    func run<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try execute(writing ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            // A connection that closed has nothing to roll back (the server already did).
            if !connection.isClosed { try? execute("ROLLBACK") }
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

    /// How long one statement may keep this thread waiting. The driver fails a statement when
    /// its connection drops, but a wait must not hang a request (or a shutdown) if it does not.
    static let statementTimeout: TimeAmount = .seconds(60)

    /// Waits for a statement's answer, at most `statementTimeout`.
    private func answer<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        future.cascade(to: promise)
        let connection = self.connection
        let timer = future.eventLoop.scheduleTask(in: Self.statementTimeout) {
            // What the connection would say next cannot be trusted: close it, so the pool
            // replaces it.
            let _: EventLoopFuture<Void> = connection.close()
            promise.fail(AgentStateError(.unavailable, "PostgreSQL did not answer within \(Self.statementTimeout.nanoseconds / 1_000_000_000) s"))
        }
        defer { timer.cancel() }
        // A statement written after the connection closed and its handlers were removed is
        // dropped without its answer ever being failed by the driver. Tasks on the event loop run
        // in order, so this one runs after the write: if the connection is closed by then, the
        // statement either was failed already (this changes nothing) or never will be.
        future.eventLoop.execute {
            if connection.isClosed { promise.fail(AgentStateError(.unavailable, "the connection to PostgreSQL closed")) }
        }
        return try promise.futureResult.wait()
    }

    /// `FOR UPDATE` in a write transaction: whatever the transaction read, it may change
    /// without another one changing it in between.
    var lock: String { writing ? " FOR UPDATE" : "" }

    /// Like `lock`, but passing over rows another transaction holds: for queues.
    var lockOrSkip: String { writing ? " FOR UPDATE SKIP LOCKED" : "" }

    // MARK: Statement helpers

    @discardableResult
    func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> PostgresQueryResult {
        observer?(sql, arguments)
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments { argument.bind(into: &binds) }
        return try answer(connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger))
    }

    func execute(_ sql: String, _ arguments: [any SQLBindable] = []) throws {
        try query(sql, arguments)
    }

    func rows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [PostgresRandomAccessRow] {
        try query(sql, arguments).rows.map { $0.makeRandomAccess() }
    }

    func row(_ sql: String, _ arguments: [any SQLBindable]) throws -> PostgresRandomAccessRow? {
        try query(sql, arguments).rows.first?.makeRandomAccess()
    }

    func docs<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: [any SQLBindable]) throws -> [T] {
        try query(sql, arguments).rows.map { try StoredDocument.decode(T.self, open($0.makeRandomAccess()[0].decode(String.self))) }
    }

    func doc<T: Decodable>(_ type: T.Type, _ sql: String, _ arguments: [any SQLBindable]) throws -> T? {
        try docs(type, sql, arguments).first
    }

    /// Runs a DELETE and reports how many rows went.
    func delete(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        try query(sql, arguments).metadata.rows ?? 0
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
}

extension String: SQLBindable {
    public func bind(into binds: inout PostgresBindings) { binds.append(self) }
}

extension Int64: SQLBindable {
    public func bind(into binds: inout PostgresBindings) { binds.append(self) }
}

extension Int: SQLBindable {
    public func bind(into binds: inout PostgresBindings) { binds.append(Int64(self)) }
}

extension Bool: SQLBindable {
    public func bind(into binds: inout PostgresBindings) { binds.append(self) }
}

extension Date: SQLBindable {
    /// Times are stored as milliseconds since 1970.
    public func bind(into binds: inout PostgresBindings) { binds.append(millisecondsSince1970) }
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
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public func bind(into binds: inout PostgresBindings) {
        if let self { self.bind(into: &binds) } else { binds.appendNull() }
    }

}
