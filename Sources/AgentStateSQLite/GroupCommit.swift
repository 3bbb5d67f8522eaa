import AgentState
import GRDB
import GRDBSQLite
import Synchronization

/// Group commit: writes that arrive while another is being committed wait, and the next of them
/// commits them all in one SQLite transaction, each in a savepoint of its own (a write that
/// fails rolls back alone). Under concurrency that is one hop to the writer's queue and one
/// commit (one fsync with `durability=strict`) for many writes; alone, a write is its own
/// transaction as before.
///
/// The leader commits on its own thread: the hop to GRDB's writer queue and back cost a lone
/// turn about a third of its time, and 16 strict writers a seventh of their throughput. It hops
/// only when another connection holds the file's write lock, which could keep a thread of the
/// caller's pool for the whole busy timeout.
final class GroupCommit: Sendable {
    /// One write waiting: it runs on the writer's connection and reports its outcome.
    struct Job: Sendable {
        let id: UInt64
        let run: @Sendable (Database) throws -> Void
        /// The transaction did not commit: nothing of this write stayed.
        let fail: @Sendable (any Error) -> Void
        let wake: @Sendable (Wake) -> Void
    }

    enum Wake: Sendable {
        /// Committed (or failed): the outcome was handed over by `run`.
        case done
        /// Commit the waiting writes, this one among them.
        case lead
    }

    private struct State {
        var waiting: [Job] = []
        var leading = false
        var nextId: UInt64 = 0
    }

    private let state = Mutex(State())
    private let pool: DatabasePool
    /// The most writes one transaction takes, so that a long queue is not one long lock.
    let batchLimit: Int

    /// SQLite's busy timeout on the writer, in milliseconds, put back after an attempt that
    /// would not wait for the lock.
    private let busyMilliseconds: Int32

    init(pool: DatabasePool, busyTimeout seconds: Double, batchLimit: Int = 64) {
        self.pool = pool
        self.batchLimit = batchLimit
        self.busyMilliseconds = Int32(clamping: Int(seconds * 1000))
    }

    /// Runs `body` on the writer's connection inside a transaction (shared with other writes
    /// when several wait) and returns what it returned.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let id = state.withLock { s in
            s.nextId &+= 1
            return s.nextId
        }
        let wake = await withCheckedContinuation { (continuation: CheckedContinuation<Wake, Never>) in
            let job = Job(id: id, run: { db in
                let result = Result { try body(db) }
                outcome.withLock { $0 = result }
                if case .failure(let error) = result { throw error }
            }, fail: { error in
                outcome.withLock { o in
                    // A write that failed on its own keeps its own error.
                    if case .failure? = o { return }
                    o = .failure(error)
                }
            }, wake: { continuation.resume(returning: $0) })
            let lead = state.withLock { s in
                s.waiting.append(job)
                if s.leading { return false }
                s.leading = true
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        if case .lead = wake { await commitWaiting(leader: id) }
        guard let result = outcome.withLock({ $0 }) else {
            throw AgentStateError(.unavailable, "a SQLite write was dropped without an outcome")
        }
        return try result.get()
    }

    /// Takes the waiting writes and commits them; then hands the lead to the next waiting write,
    /// if any, so that this caller is not kept committing others' writes. The leader's own write
    /// is among them; it is not woken, since it is the one running this.
    private func commitWaiting(leader: UInt64) async {
        let batch = state.withLock { s in
            let taken = Array(s.waiting.prefix(batchLimit))
            s.waiting.removeFirst(taken.count)
            return taken
        }
        do {
            if try !commitHere(batch) {
                try await pool.write { db in try Self.run(batch, db) }
            }
        } catch {
            // The transaction did not commit: every write in it failed with this error, unless it
            // already failed on its own.
            for job in batch { job.fail(error) }
        }
        let next: Job? = state.withLock { s in
            if let first = s.waiting.first { return first }
            s.leading = false
            return nil
        }
        for job in batch where job.id != leader { job.wake(.done) }
        next?.wake(.lead)
    }

    /// Commits the batch on this thread if the write lock is free, and says whether it did.
    /// Synchronous, so that GRDB runs it here when its writer queue is idle; it is, unless the
    /// WAL checkpointer or a maintenance pass holds it for a moment, since writes go through the
    /// one leader. Another connection holding the lock makes it give up at once, having run
    /// nothing, rather than wait out the busy timeout here.
    private func commitHere(_ batch: [Job]) throws -> Bool {
        let busyMilliseconds = self.busyMilliseconds
        return try pool.writeWithoutTransaction { db in
            let connection = db.sqliteConnection
            sqlite3_busy_timeout(connection, 0)
            var began = false
            defer { if !began { sqlite3_busy_timeout(connection, busyMilliseconds) } }
            do {
                try db.inTransaction(.immediate) {
                    began = true
                    sqlite3_busy_timeout(connection, busyMilliseconds)
                    try Self.run(batch, db)
                    return .commit
                }
            } catch let error as DatabaseError where !began && error.resultCode == .SQLITE_BUSY {
                return false
            }
            return true
        }
    }

    /// Runs the batch's writes in the open transaction: alone, a write's failure is the
    /// transaction's; together, each write has a savepoint, so one that fails rolls back alone.
    private static func run(_ batch: [Job], _ db: Database) throws {
        if batch.count == 1 {
            try batch[0].run(db)
            return
        }
        for job in batch {
            do {
                try db.inSavepoint {
                    try job.run(db)
                    return .commit
                }
            } catch let error as DatabaseError where abortsTransaction(error) {
                throw error
            } catch {
                // Rolled back to its savepoint; its outcome is already recorded.
            }
        }
    }

    /// Errors after which SQLite has rolled back the whole transaction, or cannot go on with it.
    private static func abortsTransaction(_ error: DatabaseError) -> Bool {
        [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_NOMEM, .SQLITE_INTERRUPT, .SQLITE_CORRUPT].contains(error.resultCode)
    }
}
