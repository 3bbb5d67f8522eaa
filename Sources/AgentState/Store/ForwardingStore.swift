import Foundation

/// A store that hands every operation to another one. A store that changes a few operations
/// and leaves the rest to the store beneath it (the tiered store over its durable store)
/// conforms and implements only those: its own implementations take the place of these.
public protocol ForwardingStore: StateStore {
    var base: any StateStore { get }
}

extension ForwardingStore {
    public func close() async throws {
        try await base.close()
    }
}
