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
