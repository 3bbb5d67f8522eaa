import AgentState
import Foundation
import GRDB

/// The row primitives over one GRDB connection inside one transaction.
public final class SQLiteTransaction: StoreTransaction, ValueSealing {
    let db: Database
    public let now: Date
    public let keyRing: DataKeyRing?
    public let chainSigner: ChainSigner?
    /// The streams whose events or messages this transaction added to, for the change feeds.
    var changed: Set<ChangedStream> = []
    let sessionDocuments: SessionDocumentCache?
    /// The message key of the session this transaction last read, so that its messages are not
    /// a second lookup of the same row.
    var lastSessionKey: (tenant: TenantID, id: String, key: Int64)?

    init(_ db: Database, now: Date, keyRing: DataKeyRing?, chainSigner: ChainSigner? = nil, sessionDocuments: SessionDocumentCache? = nil) {
        self.db = db
        self.now = now
        self.keyRing = keyRing
        self.chainSigner = chainSigner
        self.sessionDocuments = sessionDocuments
    }

    // MARK: Statement helpers (prepared once per connection and reused)

    func execute(_ sql: String, _ args: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: args)
    }

    func rows(_ sql: String, _ args: StatementArguments) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: args)
    }

    /// The rows made into values as they are stepped through, each read in place rather than
    /// copied first (for a window of messages the copy cost as much as the reading).
    func rows<T>(_ sql: String, _ args: StatementArguments, _ transform: (Row) throws -> T) throws -> [T] {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: args)
        var values: [T] = []
        while let row = try cursor.next() { values.append(try transform(row)) }
        return values
    }

    func row(_ sql: String, _ args: StatementArguments) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: args)
    }

    func docs<T: Decodable>(_ type: T.Type, _ sql: String, _ args: StatementArguments) throws -> [T] {
        try String.fetchAll(db.cachedStatement(sql: sql), arguments: args).map { try StoredDocument.decode(T.self, open($0)) }
    }

    func doc<T: Decodable>(_ type: T.Type, _ sql: String, _ args: StatementArguments) throws -> T? {
        try String.fetchOne(db.cachedStatement(sql: sql), arguments: args).map { try StoredDocument.decode(T.self, open($0)) }
    }

    /// Runs a DELETE (or an INSERT that may store nothing) and reports how many rows it changed.
    func rowsChanged(_ sql: String, _ args: StatementArguments) throws -> Int {
        try execute(sql, args)
        return db.changesCount
    }

    /// `AND (t, id) < (?, ?)`-style keyset conditions for cursors.
    static func keyset(_ cursor: PageCursor?, timeColumn: String, descending: Bool, into conditions: inout [String], _ args: inout StatementArguments) {
        guard let cursor else { return }
        conditions.append("(\(timeColumn), id) \(descending ? "<" : ">") (?, ?)")
        args += [cursor.time, cursor.id]
    }
}

extension Date {
    var ms: Int64 { millisecondsSince1970 }
}
