import NIOCore
import NIOPosix
import Synchronization

/// Connections to one Redis deployment, shared by every task of a process.
///
/// Commands are spread over at most `poolSize` connections, each of which pipelines whatever is
/// sent on it; a connection that closes is dropped and replaced on demand. When Redis cannot be
/// reached, connecting is retried with capped exponential backoff, and in between, commands fail
/// at once (`.connectFailed`) instead of each waiting out a connect timeout: a caller with a
/// fallback (the tiered store's durable store) can take it without delay. With a
/// `redis+sentinel://` configuration, the primary's address is asked of the sentinels on every
/// new connection, and a connection to a server that answers `READONLY` (a primary demoted by
/// a failover) is dropped, so a failover is followed.
public final class RESPClient: Sendable {
    public let configuration: RESPConfiguration
    public let poolSize: Int
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    /// How long after a failed connect the next one is tried: doubling from `minimum` to `maximum`.
    public struct Backoff: Sendable {
        public var minimum: Duration = .milliseconds(50)
        public var maximum: Duration = .seconds(2)
        public init() {}
    }
    public let backoff: Backoff

    private struct State {
        var connections: [RESPConnection] = []
        var next = 0
        var connecting: Task<RESPConnection, any Error>?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var lastFailure: RESPError?
        var closed = false
    }

    public init(configuration: RESPConfiguration, poolSize: Int = 4, backoff: Backoff = Backoff(),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.poolSize = max(1, poolSize)
        self.backoff = backoff
        self.group = group
    }

    public convenience init(url: String, poolSize: Int = 4) throws(RESPError) {
        self.init(configuration: try RESPConfiguration(url: url), poolSize: poolSize)
    }

    /// Sends one command; an error reply is thrown.
    public func send(_ command: RESPCommand, timeout: Duration? = nil) async throws(RESPError) -> RESPValue {
        let connection = try await connection()
        do {
            return try await connection.send(command, timeout: timeout)
        } catch {
            if error.prefix == "READONLY" { await connection.close() }
            throw error
        }
    }

    /// Sends the commands in one write on one connection; replies in order, error replies as values.
    /// `MULTI … EXEC` sent this way reaches Redis unbroken by other tasks' commands.
    public func pipeline(_ commands: [RESPCommand], timeout: Duration? = nil) async throws(RESPError) -> [RESPValue] {
        let connection = try await connection()
        let replies = try await connection.pipeline(commands, timeout: timeout)
        if replies.contains(where: { if case .error(let message) = $0 { message.hasPrefix("READONLY") } else { false } }) {
            await connection.close()
        }
        return replies
    }

    /// A connection of its own for `body`, closed afterwards: for blocking commands (`BLPOP`,
    /// `XREADGROUP … BLOCK`) that would stall every command queued behind them on a shared one.
    /// `onPush` hears the server's push messages on it (Pub/Sub).
    public func withDedicatedConnection<T: Sendable>(onPush: @escaping @Sendable (RESPValue) -> Void = { _ in },
                                                     _ body: (RESPConnection) async throws -> T) async throws -> T {
        let connection = try await connect(onPush: onPush)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Whether the client holds a live connection and is not backing off from a failure.
    public var isConnected: Bool {
        state.withLock { s in s.retryAt == nil && s.connections.contains { !$0.isClosed } }
    }

    /// Checks the pooled connections every `interval` with `PING`, dropping those that do not
    /// answer, and keeps one connection open so that a Redis that comes back is noticed. Runs
    /// until cancelled, then closes everything.
    public func run(healthCheckEvery interval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            let connections = state.withLock { $0.connections }
            for connection in connections {
                do {
                    _ = try await connection.send(RESPCommand("PING"), timeout: min(interval, configuration.commandTimeout))
                } catch {
                    await connection.close()
                }
            }
            _ = try? await connection()
            try? await Task.sleep(for: interval)
        }
        await close()
    }

    public func close() async {
        let (connections, connecting) = state.withLock { s in
            s.closed = true
            defer { s.connections = []; s.connecting = nil }
            return (s.connections, s.connecting)
        }
        connecting?.cancel()
        for connection in connections { await connection.close() }
    }

    // MARK: Choosing a connection

    private enum Choice {
        case use(RESPConnection)
        case wait(Task<RESPConnection, any Error>)
        case fail(RESPError)
    }

    private func connection() async throws(RESPError) -> RESPConnection {
        let choice: Choice = state.withLock { s in
            if s.closed { return .fail(RESPError(.connectionClosed, "the Redis client is closed")) }
            s.connections.removeAll { $0.isClosed }
            // Grow the pool while it is below its size; otherwise take turns.
            if s.connections.count >= poolSize || (s.connecting != nil && !s.connections.isEmpty) {
                s.next = (s.next + 1) % s.connections.count
                return .use(s.connections[s.next])
            }
            if let connecting = s.connecting { return .wait(connecting) }
            if let retryAt = s.retryAt, ContinuousClock.now < retryAt, let failure = s.lastFailure {
                if let live = s.connections.first { return .use(live) }
                return .fail(RESPError(.connectFailed, "\(failure.message) (retrying in the background)"))
            }
            let task = grow()
            s.connecting = task
            if let live = s.connections.first { return .use(live) }
            return .wait(task)
        }
        switch choice {
        case .use(let connection):
            return connection
        case .fail(let error):
            throw error
        case .wait(let task):
            do {
                return try await task.value
            } catch let error as RESPError {
                throw error
            } catch {
                throw RESPError(.connectFailed, "\(error)")
            }
        }
    }

    /// Opens a connection for the pool; waiters share the task.
    private func grow() -> Task<RESPConnection, any Error> {
        Task {
            let connection: RESPConnection
            do {
                connection = try await self.connect()
            } catch {
                state.withLock { $0.connecting = nil }
                throw error
            }
            let kept = state.withLock { s in
                s.connecting = nil
                guard !s.closed else { return false }
                if s.connections.count < poolSize { s.connections.append(connection) }
                return true
            }
            guard kept else {
                await connection.close()
                throw RESPError(.connectionClosed, "the Redis client is closed")
            }
            return connection
        }
    }

    /// Opens a connection (asking the sentinels where the primary is, if configured), and
    /// records success, or the failure and when to try again.
    func connect(onPush: @escaping @Sendable (RESPValue) -> Void = { _ in }) async throws(RESPError) -> RESPConnection {
        let result: Result<RESPConnection, RESPError>
        do {
            result = .success(try await RESPConnection.connect(configuration, endpoint: try await primaryEndpoint(), group: group,
                                                               onPush: onPush))
        } catch {
            result = .failure(error)
        }
        state.withLock { s in
            switch result {
            case .success:
                s.failures = 0
                s.retryAt = nil
                s.lastFailure = nil
            case .failure(let error):
                // Authentication and configuration faults will not mend by waiting, but backing
                // off keeps a misconfigured server from hammering Redis all the same.
                s.failures += 1
                s.retryAt = .now + min(backoff.maximum, backoff.minimum * (1 << min(s.failures - 1, 20)))
                s.lastFailure = error
            }
        }
        return try result.get()
    }

    /// Where to connect: the configured server, or the primary the sentinels name.
    func primaryEndpoint() async throws(RESPError) -> RESPConfiguration.Endpoint {
        guard let primary = configuration.sentinelPrimary else { return configuration.endpoints[0] }
        var sentinel = configuration
        sentinel.sentinelPrimary = nil
        sentinel.database = 0
        var reasons: [String] = []
        for endpoint in configuration.endpoints {
            do {
                let connection = try await RESPConnection.connect(sentinel, endpoint: endpoint, group: group)
                let answer: Result<RESPValue, RESPError>
                do {
                    answer = .success(try await connection.send(RESPCommand("SENTINEL", "GET-MASTER-ADDR-BY-NAME", .string(primary))))
                } catch {
                    answer = .failure(error)
                }
                await connection.close()
                let reply = try answer.get()
                guard let parts = reply.elements, parts.count == 2, let host = parts[0].string,
                      let portText = parts[1].string, let port = Int(portText)
                else {
                    reasons.append("\(endpoint): does not know '\(primary)'")
                    continue
                }
                return RESPConfiguration.Endpoint(host: host, port: port)
            } catch {
                reasons.append("\(endpoint): \(error.message)")
            }
        }
        throw RESPError(.connectFailed, "no sentinel named the primary '\(primary)': \(reasons.joined(separator: "; "))")
    }
}
