import NIOCore
import Synchronization

/// A message published to a channel the subscriber listens on.
public struct RESPMessage: Sendable, Equatable {
    public var channel: String
    /// The pattern that matched, for a pattern subscription.
    public var pattern: String?
    public var payload: ByteBuffer

    public init(channel: String, pattern: String? = nil, payload: ByteBuffer) {
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }
}

extension RESPClient {
    /// Listens on `channels` (and channels matching `patterns`) on a connection of its own while
    /// `body` runs, then closes it. Messages published after this call starts `body` are all
    /// delivered, in order; the stream ends with an error if the connection is lost, since
    /// messages sent meanwhile are gone (the caller re-subscribes and re-reads what it needs).
    public func subscribe<T: Sendable>(
        channels: [String], patterns: [String] = [],
        _ body: (AsyncThrowingStream<RESPMessage, any Error>) async throws -> T
    ) async throws -> T {
        let (messages, continuation) = AsyncThrowingStream<RESPMessage, any Error>.makeStream(bufferingPolicy: .unbounded)
        let expected = channels.count + patterns.count
        let confirmed = SubscriptionConfirmations(expected: expected)
        return try await withDedicatedConnection(onPush: { push in
            guard let parts = push.elements, let kind = parts.first?.string else { return }
            switch kind {
            case "message" where parts.count == 3:
                continuation.yield(RESPMessage(channel: parts[1].string ?? "", pattern: nil, payload: parts[2].bytes ?? ByteBuffer()))
            case "pmessage" where parts.count == 4:
                continuation.yield(RESPMessage(channel: parts[2].string ?? "", pattern: parts[1].string, payload: parts[3].bytes ?? ByteBuffer()))
            case "subscribe", "psubscribe":
                confirmed.one()
            default:
                break
            }
        }) { connection in
            connection.closeFuture.whenComplete { _ in
                continuation.finish(throwing: RESPError(.connectionClosed, "the subscription's connection to Redis closed"))
                confirmed.abandon()
            }
            var commands: [RESPCommand] = []
            if !channels.isEmpty { commands.append(RESPCommand("SUBSCRIBE", channels.map(RESPArgument.string))) }
            if !patterns.isEmpty { commands.append(RESPCommand("PSUBSCRIBE", patterns.map(RESPArgument.string))) }
            try await connection.writeForPushReplies(commands)
            // Until Redis confirms, a message published now might not be heard.
            guard try await confirmed.wait(timeout: configuration.commandTimeout) else {
                throw RESPError(.timeout, "Redis did not confirm the subscription in time")
            }
            return try await body(messages)
        }
    }
}

/// Counts subscription confirmations arriving on the event loop for a task waiting on them.
private final class SubscriptionConfirmations: Sendable {
    private struct State {
        var remaining: Int
        var waiter: CheckedContinuation<Bool, Never>?
        var abandoned = false
    }
    private let state: Mutex<State>

    init(expected: Int) { state = Mutex(State(remaining: expected)) }

    func one() {
        let waiter = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            s.remaining -= 1
            guard s.remaining <= 0 else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: true)
    }

    func abandon() {
        let waiter = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            s.abandoned = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: false)
    }

    /// True once every subscription is confirmed; false if the connection went or time ran out.
    func wait(timeout: Duration) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now = self.state.withLock { s -> Bool? in
                        if s.remaining <= 0 { return true }
                        if s.abandoned { return false }
                        s.waiter = continuation
                        return nil
                    }
                    if let now { continuation.resume(returning: now) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                self.abandon()
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
