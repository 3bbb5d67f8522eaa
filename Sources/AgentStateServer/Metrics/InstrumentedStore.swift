import AgentState
import Foundation

/// A store that times each operation for the metrics endpoint, under the operation's name.
public final class InstrumentedStore: StateStore {
    let base: any StateStore
    let metrics: ServerMetrics

    public init(_ base: any StateStore, metrics: ServerMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        try await timed(Operation.name) { try await base.perform(operation) }
    }

    func timed<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        do {
            let value = try await body()
            metrics.recordStore(operation, ContinuousClock.now - start, failed: false)
            return value
        } catch {
            metrics.recordStore(operation, ContinuousClock.now - start, failed: !(error is AgentStateError) || (error as? AgentStateError)?.code == .unavailable)
            throw error
        }
    }

    public func close() async throws {
        try await base.close()
    }
}
