import AgentState
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection for the load generator: requests are built once, and a
/// response is read only as far as its status. A general-purpose client
/// (AsyncHTTPClient) spends about as much CPU per request as the server does, and on a shared
/// machine that CPU is taken from the server being measured.
final class BenchConnection: Sendable {
    private let channel: any Channel
    private let collector: ResponseCollector

    private init(channel: any Channel, collector: ResponseCollector) {
        self.channel = channel
        self.collector = collector
    }

    static func connect(host: String, port: Int) async throws -> BenchConnection {
        let collector = ResponseCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(leftOverBytesStrategy: .fireError)
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: host, port: port).get()
        return BenchConnection(channel: channel, collector: collector)
    }

    struct Request: Sendable {
        var head: HTTPRequestHead
        var body: ByteBuffer?
    }

    /// Sends one request and waits for the response's status.
    func send(_ request: Request) async throws -> UInt {
        let promise = channel.eventLoop.makePromise(of: UInt.self)
        channel.eventLoop.execute { [collector, channel] in
            collector.pending = promise
            channel.write(HTTPClientRequestPart.head(request.head), promise: nil)
            if let body = request.body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        return try await promise.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }

    static func request(_ method: HTTPMethod, _ path: String, host: String, headers: [(String, String)], body: ByteBuffer? = nil) -> Request {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
        return Request(head: head, body: body)
    }
}

/// Completes the pending request's promise with the status once its response has ended.
/// Touched only on the channel's event loop.
private final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    var pending: EventLoopPromise<UInt>?
    private var status: UInt = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status.code
        case .body: break
        case .end:
            let promise = pending
            pending = nil
            promise?.succeed(status)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(AgentStateError(.unavailable, "the server closed the connection"))
    }

    private func fail(_ error: any Error) {
        let promise = pending
        pending = nil
        promise?.fail(error)
    }
}
