import NIOCore

/// Commands written together, and where their replies go.
struct RESPRequest {
    var commands: [RESPCommand]
    var promise: EventLoopPromise<[RESPValue]>
    var deadline: NIODeadline
    /// False for commands answered by push messages alone (`SUBSCRIBE` in RESP3): the request
    /// is complete once written.
    var expectsReplies = true
}

/// Writes requests and matches replies to them in order (Redis answers in the order it was
/// asked), so any number of requests can be in flight on one connection. Push messages go to
/// `onPush`. Lives on the channel's event loop.
final class RESPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RESPRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let id: UInt64
        let promise: EventLoopPromise<[RESPValue]>
        let expected: Int
        var replies: [RESPValue] = []
        var timer: Scheduled<Void>?
    }

    private let parser: RESPParser
    private let onPush: @Sendable (RESPValue) -> Void
    private var pending = CircularBuffer<Pending>()
    private var received: ByteBuffer?
    private var nextID: UInt64 = 0
    /// Set once the connection cannot be used any more; later requests fail with it at once.
    private var failure: RESPError?

    init(parser: RESPParser = RESPParser(), onPush: @escaping @Sendable (RESPValue) -> Void) {
        self.parser = parser
        self.onPush = onPush
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        guard !request.commands.isEmpty else {
            request.promise.succeed([])
            promise?.succeed(())
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64 * request.commands.count)
        for command in request.commands { command.encode(into: &buffer) }
        guard request.expectsReplies else {
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { result in
                switch result {
                case .success: request.promise.succeed([])
                case .failure(let error): request.promise.fail(RESPError(.connectionClosed, "\(error)"))
                }
            }
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: written)
            return
        }
        let id = nextID
        nextID += 1
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(deadline: request.deadline) {
            let (handler, context) = loopBound.value
            handler.timedOut(id, context: context)
        }
        pending.append(Pending(id: id, promise: request.promise, expected: request.commands.count, timer: timer))
        context.writeAndFlush(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else { return }
        var incoming = unwrapInboundIn(data)
        if received == nil { received = incoming } else { received!.writeBuffer(&incoming) }
        do {
            while received != nil, let value = try parser.parse(&received!) {
                if case .push = value {
                    onPush(value)
                    continue
                }
                guard !pending.isEmpty else {
                    throw RESPError(.protocolViolation, "the server sent a reply to no request")
                }
                pending[pending.startIndex].replies.append(value)
                if pending[pending.startIndex].replies.count == pending[pending.startIndex].expected {
                    let done = pending.removeFirst()
                    done.timer?.cancel()
                    done.promise.succeed(done.replies)
                }
            }
        } catch {
            shutDown(error as? RESPError ?? RESPError(.protocolViolation, "\(error)"), context: context)
            return
        }
        // Keep memory to what is still unread.
        if received?.readableBytes == 0 {
            received = nil
        } else if let r = received, r.readerIndex > 64 * 1024 {
            received!.discardReadBytes()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(failure ?? RESPError(.connectionClosed, "the connection to Redis closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shutDown(RESPError(.connectionClosed, "the connection to Redis failed: \(error)"), context: context)
    }

    private func timedOut(_ id: UInt64, context: ChannelHandlerContext) {
        guard let index = pending.firstIndex(where: { $0.id == id }) else { return }
        let request = pending.remove(at: index)
        request.promise.fail(RESPError(.timeout, "Redis did not answer in time"))
        // The replies still to come can no longer be matched to their requests.
        shutDown(RESPError(.connectionClosed, "the connection was closed after a command timed out"), context: context)
    }

    private func shutDown(_ error: RESPError, context: ChannelHandlerContext) {
        if failure == nil { failure = error }
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: RESPError) {
        if failure == nil { failure = error }
        while let request = pending.popFirst() {
            request.timer?.cancel()
            request.promise.fail(error)
        }
        received = nil
    }
}
