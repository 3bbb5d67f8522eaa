import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file in the background, on a connection of its
/// own, so that no commit pays for it. SQLite's automatic checkpoint runs inside the commit that
/// crosses its threshold (1,000 pages): that commit, and every write queued behind it, waited
/// for the copy and its fsync, which made the p99 of a turn. A passive checkpoint never blocks
/// writers or readers; it copies what no reader still needs and leaves the rest for next time.
/// SQLite's own checkpoint stays on as a backstop at four times the size, should this fall behind.
///
/// It starts no work of its own: `run()` checkpoints until its task is cancelled, in whatever
/// task the store's owner gives it (the server's service group, or the store's own). The
/// checkpoints themselves run on a queue of their own, on a timer, not on Swift's cooperative
/// threads, which a checkpoint's fsync would hold and which busy handlers may keep from a
/// sleeping task for long.
final class WALCheckpointer: Sendable {
    static let backstopPages = 4_000
    private let connection: DatabaseQueue
    private let interval: DispatchTimeInterval
    private let queue = DispatchQueue(label: "agentstate.wal-checkpointer", qos: .utility)
    /// Commits since the last checkpoint; a quiet store is not checkpointed again and again.
    private let pending = Atomic<Int>(0)
    /// Checkpoints run so far, for tests.
    let runs = Atomic<Int>(0)

    init(path: String, every interval: DispatchTimeInterval = .milliseconds(50)) throws {
        var config = Configuration()
        config.label = "agentstate.wal-checkpointer"
        connection = try DatabaseQueue(path: path, configuration: config)
        self.interval = interval
    }

    /// Checkpoints every `interval` while commits come, until cancelled; then once more, so
    /// that a store that stops leaves a short log.
    func run() async {
        let timer = Timer(DispatchSource.makeTimerSource(queue: queue))
        timer.source.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
        timer.source.setEventHandler { [weak self] in self?.tick() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (stopped: CheckedContinuation<Void, Never>) in
                // A source cancelled before it is activated reports it once activated.
                timer.source.setCancelHandler { stopped.resume() }
                timer.source.activate()
            }
        } onCancel: {
            timer.source.cancel()
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                self.tick()
                done.resume()
            }
        }
    }

    /// A dispatch source may be cancelled from any thread.
    private final class Timer: @unchecked Sendable {
        let source: any DispatchSourceTimer
        init(_ source: any DispatchSourceTimer) { self.source = source }
    }

    private func tick() {
        guard pending.exchange(0, ordering: .relaxed) > 0 else { return }
        // The row is (busy, frames in the log, frames copied).
        runs.add(1, ordering: .relaxed)
        let row = try? connection.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        // Failed, busy, or held back by a reader: the next tick tries again, commits or not, and
        // the backstop bounds the log meanwhile.
        let done = row.map { $0[0] as Int == 0 && $0[2] as Int >= $0[1] as Int } ?? false
        if !done { pending.add(1, ordering: .relaxed) }
    }

    /// Called after each commit.
    func committed() { pending.add(1, ordering: .relaxed) }

    func close() throws {
        try connection.close()
    }
}
