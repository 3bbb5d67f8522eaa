/// Runs the store's sweep over and over until cancelled: due timers fire, approvals expire,
/// idle sessions expire and expired memory goes. Cancelling the task running `run()` stops it
/// between passes.
public struct Sweeper: Sendable {
    public var store: any StateStore
    public var interval: Duration

    public init(store: any StateStore, interval: Duration = .seconds(1)) {
        self.store = store
        self.interval = interval
    }

    public func run() async {
        while !Task.isCancelled {
            var busy = false
            do {
                busy = try await store.sweep().moreDue
            } catch {
                // A failed pass (the store briefly unavailable) is retried on the next tick.
            }
            if busy { continue }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
