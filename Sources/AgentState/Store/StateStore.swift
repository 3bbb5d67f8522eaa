import Foundation

/// The one seam between the domain and storage. Every operation is scoped to a tenant: a record
/// of another tenant is reported exactly as one that does not exist (`notFound`).
///
/// Each state change and its event(s) commit together or not at all; a call that throws has
/// changed nothing.
public protocol StateStore: Sendable {
    /// Answers any operation declared as a value (see `StoreOperation`).
    func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output

    /// Closes the store; a store that runs its own background work drains it first.
    func close() async throws
}

/// Runs `body` with `store`, then closes it, whether `body` returned or threw: a store that runs
/// background work of its own (the SQLite WAL checkpointer, the tiered store's flusher) drains
/// it on closing. A server runs such stores as services of its group instead.
public func withStore<Store: StateStore, Result: Sendable>(_ store: Store, _ body: (Store) async throws -> Result) async throws -> Result {
    let result: Result
    do {
        result = try await body(store)
    } catch {
        try? await store.close()
        throw error
    }
    try await store.close()
    return result
}
