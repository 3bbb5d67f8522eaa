import Synchronization

/// A stream that changed: a run's or a session's (`EventStream`), whose events or messages grew.
public struct ChangedStream: Sendable, Hashable {
    public var tenant: TenantID
    public var stream: String

    public init(_ tenant: TenantID, _ stream: String) {
        self.tenant = tenant
        self.stream = stream
    }
}

/// A store that says when a stream changes, so a change feed waits for that instead of
/// polling. In one process the store reports its own commits; across servers a shared
/// database relays them (PostgreSQL's LISTEN/NOTIFY).
public protocol ChangeNotifying: StateStore {
    var changes: ChangeHub { get }
}

/// Wakes the feeds subscribed to a stream when it changes. Memory is one entry per open feed.
public final class ChangeHub: Sendable {
    private let subscribers = Mutex<[ChangedStream: [ObjectIdentifier: ChangeSubscription]]>([:])
    /// Yields when a feed subscribes while none was open, for the one task that relays changes
    /// from elsewhere: it need only listen while feeds are open.
    public let firstSubscriptions: AsyncStream<Void>
    private let firstSubscription: AsyncStream<Void>.Continuation

    public init() {
        (firstSubscriptions, firstSubscription) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether any feed is subscribed now (a stream's entry goes with its last feed).
    public var hasSubscribers: Bool { subscribers.withLock { !$0.isEmpty } }

    /// Starts listening to one stream; changes from now on are kept until `next` takes them.
    public func subscribe(_ tenant: TenantID, stream: String) -> ChangeSubscription {
        let key = ChangedStream(tenant, stream)
        let subscription = ChangeSubscription(hub: self, key: key)
        let first = subscribers.withLock { table in
            let wasEmpty = table.isEmpty
            table[key, default: [:]][ObjectIdentifier(subscription)] = subscription
            return wasEmpty
        }
        if first { firstSubscription.yield() }
        return subscription
    }

    public func notify(_ changed: some Sequence<ChangedStream>) {
        let woken = subscribers.withLock { table in changed.flatMap { table[$0].map { Array($0.values) } ?? [] } }
        for subscription in woken { subscription.signal() }
    }

    /// Wakes every feed, for when changes may have been missed (a lost database connection).
    public func notifyAll() {
        for subscription in subscribers.withLock({ $0.values.flatMap(\.values) }) { subscription.signal() }
    }

    fileprivate func remove(_ subscription: ChangeSubscription) {
        subscribers.withLock { table in
            table[subscription.key]?[ObjectIdentifier(subscription)] = nil
            if table[subscription.key]?.isEmpty == true { table[subscription.key] = nil }
        }
    }
}

public final class ChangeSubscription: Sendable {
    fileprivate let key: ChangedStream
    private weak let hub: ChangeHub?
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    fileprivate init(hub: ChangeHub, key: ChangedStream) {
        self.hub = hub
        self.key = key
    }

    /// Returns when the stream changed since the last call, or after `timeout`, or when the
    /// task is cancelled, whichever comes first.
    public func next(timeout: Duration) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self?.signal() }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { s in
                    if s.pending {
                        s.pending = false
                        return true
                    }
                    s.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            signal()
        }
        timer.cancel()
    }

    fileprivate func signal() {
        let waiter = state.withLock { s in
            guard let w = s.waiter else {
                s.pending = true
                return CheckedContinuation<Void, Never>?.none
            }
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Stops listening.
    public func cancel() {
        hub?.remove(self)
    }
}
