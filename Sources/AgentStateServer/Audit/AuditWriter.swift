import AgentState
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Gathers audit records and writes them to the store in batches, so that a request costs an
/// append to a buffer, not a write of its own. A batch goes out every `interval` or once
/// `batchSize` records wait, and what is left at shutdown is written before the store closes.
/// Records of the last moments before a crash can be lost; requests never wait for the trail.
///
/// While the store cannot take them the records wait, up to `capacity`; past that the oldest
/// are dropped and counted, so an outage cannot exhaust memory.
final class AuditWriter: Service, Sendable {
    private struct State {
        var pending: [AuditRecord] = []
        var dropped = 0
    }

    private let state = Mutex(State())
    private let store: any StateStore
    private let logger: Logger
    let interval: Duration
    let batchSize: Int
    let capacity: Int
    /// Records older than this are removed, in batches, as the writer goes.
    let retention: Duration
    /// Only requests that change something (not GET and HEAD) are recorded.
    let changesOnly: Bool

    init(store: any StateStore, logger: Logger, interval: Duration = .milliseconds(50), batchSize: Int = 200, capacity: Int = 100_000,
         retention: Duration = .seconds(90 * 86_400), changesOnly: Bool = false) {
        self.store = store
        self.logger = logger
        self.interval = interval
        self.batchSize = batchSize
        self.capacity = capacity
        self.retention = retention
        self.changesOnly = changesOnly
    }

    func record(_ r: AuditRecord) {
        state.withLock { s in
            s.pending.append(r)
            if s.pending.count > capacity {
                s.dropped += s.pending.count - capacity
                s.pending.removeFirst(s.pending.count - capacity)
            }
        }
    }


    /// On graceful shutdown the loop ends at its next pause, never inside a write: a write
    /// cancelled after it committed would be reported failed, and written again.
    func run() async throws {
        var lastPrune = ContinuousClock.now - .seconds(3600)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await flush()
            if ContinuousClock.now - lastPrune > .seconds(60) {
                lastPrune = .now
                await prune()
            }
        }
        await flush()
    }

    /// Writes what waits, a batch at a time; on a failure the batch goes back to wait.
    func flush() async {
        while true {
            let batch: [AuditRecord] = state.withLock { s in
                let taken = Array(s.pending.prefix(batchSize))
                s.pending.removeFirst(taken.count)
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                try await store.appendAudit(batch)
            } catch {
                let dropped = state.withLock { s in
                    s.pending.insert(contentsOf: batch, at: 0)
                    return s.dropped
                }
                logger.warning("the audit trail could not be written; it will be retried", metadata: [
                    "error": "\(error)", "records": "\(batch.count)", "dropped_so_far": "\(dropped)",
                ])
                return
            }
        }
    }

    private func prune() async {
        let cutoff = Date().addingTimeInterval(-Double(retention.components.seconds))
        while let removed = try? await store.pruneAudit(before: cutoff, limit: 1000), removed == 1000 {}
    }
}
