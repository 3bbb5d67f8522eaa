import AgentState
import Dispatch
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The statements one pooled connection has prepared, so that PostgreSQL parses and plans each
/// of the store's statements once per connection instead of on every use.
///
/// Everything here runs on the connection's event loop: the transaction hands each statement
/// over in one task, and the answers arrive there. That is what keeps a statement's cost on the
/// store's side to one wake-up of the loop (and one of the waiting thread when the answer is
/// needed), instead of one per future chained from another thread.
final class ConnectionStatements: @unchecked Sendable {
    let connection: PostgresConnection
    /// By SQL text. A statement still being prepared is here too, so a second use waits for it
    /// instead of preparing it again.
    private var prepared: [String: EventLoopFuture<PreparedQuery>] = [:]
    /// Completes when the statement sent last has been answered. A first use sends its PREPARE
    /// and runs only after PostgreSQL answers it, so every statement starts after the one before:
    /// otherwise a statement sent later (COMMIT) could overtake one still being prepared.
    private var tail: EventLoopFuture<Void>
    private let unpreparable: Unpreparable

    /// Dynamic SQL (list filters) makes a few variants per statement; past this many a
    /// connection runs new statements unprepared rather than grow without bound.
    static let capacity = 256

    init(_ connection: PostgresConnection, unpreparable: Unpreparable) {
        self.connection = connection
        self.unpreparable = unpreparable
        tail = connection.eventLoop.makeSucceededVoidFuture()
    }

    /// Sends one statement after the ones before it. On the event loop.
    func send(_ sql: String, _ arguments: [any SQLBindable], prepare: Bool, logger: Logger) -> EventLoopFuture<Answer> {
        let connection = self.connection
        let answer: EventLoopFuture<Answer>
        if prepare, let statement = statement(for: sql) {
            let unpreparable = self.unpreparable
            answer = tail.flatMap { statement }.flatMapError { error in
                // PostgreSQL cannot prepare it (a parameter whose type it cannot tell): that failed
                // the transaction, which runs again with the statement sent unprepared. Other
                // failures (the connection, a transaction already failed) say nothing about it.
                guard PostgresFailure.sqlState(of: error)?.hasPrefix("42") == true else {
                    return connection.eventLoop.makeFailedFuture(error)
                }
                unpreparable.insert(sql)
                return connection.eventLoop.makeFailedFuture(StatementNotPrepared(underlying: error))
            }.flatMap { query in
                Self.whileOpen(connection) {
                    query.execute(arguments.map(\.postgresData)).map { Answer(rows: $0, affected: nil, labelledText: true) }
                }
            }
        } else {
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments { argument.bind(into: &binds) }
            let query = PostgresQuery(unsafeSQL: sql, binds: binds)
            answer = tail.flatMap {
                Self.whileOpen(connection) {
                    connection.query(query, logger: logger).map { Answer(rows: $0.rows, affected: $0.metadata.rows, labelledText: false) }
                }
            }
        }
        tail = answer.map { _ in }.recover { _ in }
        return answer
    }

    /// Runs `send` unless the connection has closed. The driver fails what it was sent when its
    /// connection drops, but drops without an answer what is sent after its handlers are gone.
    private static func whileOpen<T>(_ connection: PostgresConnection, _ send: () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if connection.isClosed {
            return connection.eventLoop.makeFailedFuture(AgentStateError(.unavailable, "the connection to PostgreSQL closed"))
        }
        return send()
    }

    /// The statement prepared (or being prepared) for `sql`, or nil to send it unprepared:
    /// statements without parameters (BEGIN, COMMIT, DDL) cost little to parse.
    private func statement(for sql: String) -> EventLoopFuture<PreparedQuery>? {
        if let statement = prepared[sql] { return statement }
        guard sql.contains("$1"), prepared.count < Self.capacity, !unpreparable.contains(sql) else { return nil }
        let statement = tail.flatMap { [connection] in Self.whileOpen(connection) { connection.prepare(query: sql) } }
        prepared[sql] = statement
        statement.whenFailure { [weak self] _ in self?.prepared[sql] = nil }
        return statement
    }
}

/// What one statement answered. Rows of a prepared statement come in binary, as every row the
/// driver asks for does, but labelled text: the driver takes their description from the
/// statement's preparation, where PostgreSQL cannot yet know the format.
struct Answer: Sendable {
    let rows: [PostgresRow]
    /// Rows changed, for statements run unprepared (the driver keeps the count of a prepared
    /// one to itself).
    let affected: Int?
    let labelledText: Bool
}

/// One row of an answer, with each cell's format told right.
package struct SQLRow {
    private let row: PostgresRandomAccessRow
    private let labelledText: Bool

    init(_ row: PostgresRow, labelledText: Bool) {
        self.row = row.makeRandomAccess()
        self.labelledText = labelledText
    }

    package var count: Int { row.count }

    package subscript(index: Int) -> PostgresCell {
        var cell = row[index]
        if labelledText { cell.format = .binary }
        return cell
    }
}

/// Statements PostgreSQL refused to prepare, sent unprepared from then on by every connection.
final class Unpreparable: Sendable {
    private let statements = Mutex<Set<String>>([])
    func insert(_ sql: String) { _ = statements.withLock { $0.insert(sql) } }
    func contains(_ sql: String) -> Bool { statements.withLock { $0.contains(sql) } }
}

/// A statement the transaction tried to prepare failed it; the transaction runs again.
struct StatementNotPrepared: Error {
    let underlying: any Error
}

/// The prepared statements of each connection the store has used, kept as long as the
/// connection is open.
final class StatementCache: Sendable {
    private let connections = Mutex<[ObjectIdentifier: ConnectionStatements]>([:])
    let unpreparable = Unpreparable()

    func statements(for connection: PostgresConnection) -> ConnectionStatements {
        connections.withLock { connections in
            if let statements = connections[ObjectIdentifier(connection)] { return statements }
            // A new connection usually replaces one the pool closed: forget those. The entry
            // holds its connection, so an identifier is not reused while it is here.
            connections = connections.filter { !$0.value.connection.isClosed }
            let statements = ConnectionStatements(connection, unpreparable: unpreparable)
            connections[ObjectIdentifier(connection)] = statements
            return statements
        }
    }
}

/// Hands an answer from the event loop to the thread waiting for it, at most once.
final class Handoff<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func fulfill(_ outcome: Result<T, any Error>) {
        let first = result.withLock { current in
            if current != nil { return false }
            current = outcome
            return true
        }
        if first { ready.signal() }
    }

    func wait() throws -> T {
        ready.wait()
        return try result.withLock { $0! }.get()
    }
}
