import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file in the background, on a connection of its
/// own, so that no commit pays for it. SQLite's automatic checkpoint runs inside the commit that
/// crosses its threshold (1,000 pages): that commit, and every write queued behind it, waited
/// for the copy and its fsync, which made the p99 of a turn. A passive checkpoint never blocks
/// writers or readers; it copies what no reader still needs and leaves the rest for next time.
/// SQLite's own checkpoint stays on as a backstop at four times the size, should this fall behind.
// @unchecked: a dispatch source may be cancelled from any thread; the rest is Sendable.
final class WALCheckpointer: @unchecked Sendable {
    static let backstopPages = 4_000
    private let connection: DatabaseQueue
    private let timer: any DispatchSourceTimer
    /// Commits since the last checkpoint; a quiet store is not checkpointed again and again.
    private let pending = Atomic<Int>(0)

    init(path: String, every interval: DispatchTimeInterval = .milliseconds(50)) throws {
        var config = Configuration()
        config.label = "agentstate.wal-checkpointer"
        connection = try DatabaseQueue(path: path, configuration: config)
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "agentstate.wal-checkpointer.timer", qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.activate()
    }

    private func tick() {
        guard pending.exchange(0, ordering: .relaxed) > 0 else { return }
        // The row is (busy, frames in the log, frames copied).
        let row = try? connection.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        // Failed, busy, or held back by a reader: the next tick tries again, commits or not, and
        // the backstop bounds the log meanwhile.
        let done = row.map { $0[0] as Int == 0 && $0[2] as Int >= $0[1] as Int } ?? false
        if !done { pending.add(1, ordering: .relaxed) }
    }

    /// Called after each commit.
    func committed() { pending.add(1, ordering: .relaxed) }

    func stop() throws {
        timer.cancel()
        try connection.close()
    }
}
