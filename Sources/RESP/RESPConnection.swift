import NIOCore
import NIOPosix
import NIOSSL

/// One connection to a Redis server, speaking RESP3. Any number of tasks may send on it at
/// once: their commands are pipelined, and each gets its own replies.
public final class RESPConnection: Sendable {
    public let endpoint: RESPConfiguration.Endpoint
    let channel: any Channel
    private let commandTimeout: Duration

    private init(channel: any Channel, endpoint: RESPConfiguration.Endpoint, commandTimeout: Duration) {
        self.channel = channel
        self.endpoint = endpoint
        self.commandTimeout = commandTimeout
    }

    /// Connects to `endpoint` (by default the configuration's first), says `HELLO 3` with the
    /// credentials, and selects the database.
    ///
    /// - Parameter onPush: receives what the server sends unasked (Pub/Sub messages), on the
    ///   connection's event loop.
    public static func connect(
        _ configuration: RESPConfiguration,
        endpoint: RESPConfiguration.Endpoint? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onPush: @escaping @Sendable (RESPValue) -> Void = { _ in }
    ) async throws(RESPError) -> RESPConnection {
        let endpoint = endpoint ?? configuration.endpoints[0]
        let tls: NIOSSLContext?
        do {
            tls = configuration.tls ? try tlsContext(configuration) : nil
        } catch {
            throw RESPError(.connectFailed, "cannot set up TLS for Redis at \(endpoint): \(error)")
        }
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.nanoseconds)))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: endpoint.host.isIPAddress ? nil : endpoint.host))
                        }
                        try channel.pipeline.syncOperations.addHandler(RESPChannelHandler(onPush: onPush))
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port)
                .get()
        } catch {
            throw RESPError(.connectFailed, "cannot connect to Redis at \(endpoint): \(error)")
        }
        let connection = RESPConnection(channel: channel, endpoint: endpoint, commandTimeout: configuration.commandTimeout)
        do {
            try await connection.handshake(configuration)
        } catch {
            await connection.close()
            // A TLS handshake that fails (an untrusted certificate) closes the connection under
            // the first command: to the caller, that is a failure to connect.
            if error.code == .connectionClosed || error.code == .timeout {
                throw RESPError(.connectFailed, "cannot connect to Redis at \(endpoint): \(error.message)")
            }
            throw error
        }
        return connection
    }

    private func handshake(_ configuration: RESPConfiguration) async throws(RESPError) {
        var hello: [RESPArgument] = ["3"]
        if let password = configuration.password {
            hello += ["AUTH", .string(configuration.username ?? "default"), .string(password)]
        }
        hello += ["SETNAME", .string(configuration.clientName)]
        do {
            _ = try await send(RESPCommand("HELLO", hello))
        } catch where error.code == .server {
            throw RESPError(.connectFailed, "Redis at \(endpoint) does not speak RESP3 (Redis 6 or later is needed): \(error.message)")
        } catch where error.code == .authenticationFailed {
            throw RESPError(.authenticationFailed, "Redis at \(endpoint) refused user '\(configuration.username ?? "default")': \(error.message)")
        }
        if configuration.database != 0 {
            _ = try await send(RESPCommand("SELECT", .integer(Int64(configuration.database))))
        }
    }

    /// Sends one command and returns its reply; an error reply is thrown as `RESPError`.
    public func send(_ command: RESPCommand, timeout: Duration? = nil) async throws(RESPError) -> RESPValue {
        let reply = try await pipeline([command], timeout: timeout)[0]
        if case .error(let message) = reply { throw RESPError(reply: message) }
        return reply
    }

    /// Sends the commands in one write and returns their replies in order. Error replies are
    /// returned as `.error` values, not thrown: the other commands still ran.
    ///
    /// - Parameter timeout: how long the replies may take (the configuration's command
    ///   timeout by default; longer for blocking commands). On timeout the connection closes.
    public func pipeline(_ commands: [RESPCommand], timeout: Duration? = nil) async throws(RESPError) -> [RESPValue] {
        try await write(commands, timeout: timeout, expectsReplies: true)
    }

    /// Writes commands whose answers arrive as push messages (`SUBSCRIBE`, `UNSUBSCRIBE`), for
    /// the `onPush` handler to see.
    func writeForPushReplies(_ commands: [RESPCommand]) async throws(RESPError) {
        _ = try await write(commands, timeout: nil, expectsReplies: false)
    }

    private func write(_ commands: [RESPCommand], timeout: Duration?, expectsReplies: Bool) async throws(RESPError) -> [RESPValue] {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: [RESPValue].self)
        let written = loop.makePromise(of: Void.self)
        // A write that never reaches the handler (the channel closed first) fails here; nothing
        // else would complete its promise.
        written.futureResult.whenFailure { error in
            promise.fail(error as? RESPError ?? RESPError(.connectionClosed, "the connection to Redis is closed"))
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64((timeout ?? commandTimeout).nanoseconds))
        channel.writeAndFlush(RESPRequest(commands: commands, promise: promise, deadline: deadline, expectsReplies: expectsReplies),
                              promise: written)
        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: { [channel] in
                // A reply that will still come would be taken for the next request's: close.
                promise.fail(RESPError(.connectionClosed, "the request was cancelled"))
                channel.close(promise: nil)
            }
        } catch let error as RESPError {
            throw error
        } catch {
            throw RESPError(.connectionClosed, "\(error)")
        }
    }

    public var isClosed: Bool { !channel.isActive }

    /// Completes when the connection has closed, for whatever reason.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    public func close() async {
        try? await channel.close()
    }

    private static func tlsContext(_ configuration: RESPConfiguration) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let path = configuration.certificateAuthorityPath { tls.trustRoots = .file(path) }
        return try NIOSSLContext(configuration: tls)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

extension String {
    /// A literal IPv4 or IPv6 address, which TLS must not send as a server name.
    var isIPAddress: Bool {
        contains(":") || (!isEmpty && allSatisfy { $0 == "." || $0.isASCII && $0.isNumber })
    }
}
