import Foundation
import Synchronization

/// A store in process memory, for tests and demos. Operations run one at a time under a lock;
/// a failed operation is undone before the lock is released.
public final class InMemoryStore: TransactionalStore, ChangeNotifying, AnswerKeeping {
    private let tables = Mutex(InMemoryTables())
    private let clock: any StoreClock
    public let changes = ChangeHub()
    public let answers = AnswerQueue()
    private let chainSigner: ChainSigner?

    public init(clock: any StoreClock = SystemClock(), chainSigner: ChainSigner? = nil) {
        self.clock = clock
        self.chainSigner = chainSigner
        answers.setFlush { [weak self] in _ = try? await self?.write { _ in } }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (InMemoryTransaction) throws -> T) async throws -> T {
        try await write(body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (InMemoryTransaction) throws -> T) async throws -> T {
        let now = clock.now()
        let attempt = IdempotentAttempt.current
        let (result, changed) = try await answers.carried(by: attempt) { answers in
            try tables.withLock { tables in
                let tx = InMemoryTransaction(tables: tables, now: now, chainSigner: chainSigner)
                do {
                    try tx.openWrite(carrying: answers, for: attempt)
                    return (try body(tx), tx.changed)
                } catch {
                    tx.rollback()
                    throw error
                }
            }
        }
        changes.notify(changed)
        return result
    }

    public func close() async throws {
        await answers.close()
    }

    /// Rewrites a stored event's data behind the hash chain's back, as an attacker with access
    /// to the storage could: for the tamper-detection tests.
    package func tamperEvent(_ tenant: TenantID, stream: String, seq: Int64, data: JSONValue) {
        tables.withLock { t in
            let k = InMemoryTables.Key(tenant, stream)
            if let i = t.events[k]?.firstIndex(where: { $0.seq == seq }) { t.events[k]![i].data = data }
        }
    }
}
