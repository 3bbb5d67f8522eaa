import AgentState
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `Idempotency-Key` on a mutating request: the first response is stored, and a retry with the
/// same key and the same request gets it again instead of running twice. The same key with a
/// different request is refused (422).
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any StateStore
    let limits: ServerConfiguration.Limits

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!
    /// Headers worth sending again with a replayed response.
    static let kept: [HTTPField.Name] = [.contentType, .eTag, .location, .retryAfter]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method), let key = request.headers[Self.header], let tenant = context.key?.tenantId else {
            return try await next(request, context)
        }
        var request = request
        let body = try await request.body(limits: limits)
        let hash = Digests.sha256Hex(Data("\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8) + Data(body.readableBytesView))

        let attempt = IdempotentAttempt(tenant: tenant, key: key)
        switch try await store.beginIdempotent(attempt, requestHash: hash) {
        case .mismatch: throw ServerError.idempotencyMismatch
        case .inProgress: throw ServerError.idempotencyInProgress
        case .applied: throw ServerError.idempotencyApplied
        case .replay(let record): return Self.response(from: record)
        case .proceed, .takeOver: break
        }
        let response: Response
        do {
            // The handler's writes record, each in its own transaction, that this attempt applied.
            response = try await IdempotentAttempt.$current.withValue(attempt) { try await next(request, context) }
        } catch {
            // The request's own failures are answered the same way every time; the server's are not kept.
            let problem = Reply.problem(error)
            return try await remember(problem, attempt)
        }
        return try await remember(response, attempt)
    }

    private func remember(_ response: Response, _ attempt: IdempotentAttempt) async throws -> Response {
        guard response.status.code < 500 else {
            // If the key cannot be freed now, it is taken over once its hold ends.
            try? await store.abandonIdempotent(attempt)
            return response
        }
        let collector = BodyCollector()
        var response = response
        try await response.body.write(collector)
        let bytes = collector.box.buffer
        var headers: [String: String] = [:]
        for name in Self.kept { if let v = response.headers[name] { headers[name.rawName] = v } }
        do {
            try await store.finishIdempotent(attempt, status: response.status.code, headers: headers,
                                             body: String(decoding: bytes.readableBytesView, as: UTF8.self))
        } catch {
            // The store stopped after the change committed: the client still gets its answer,
            // and the key, marked applied, tells a retry so instead of running it again.
        }
        response.body = ResponseBody(byteBuffer: bytes)
        return response
    }

    private static func response(from record: IdempotencyRecord) -> Response {
        var headers = HTTPFields()
        for (name, value) in record.headers { if let n = HTTPField.Name(name) { headers[n] = value } }
        headers[replayed] = "true"
        return Response(status: .init(code: record.status ?? 200), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: record.body ?? "")))
    }
}

/// Gathers a response body that was built in memory, to store it.
private struct BodyCollector: ResponseBodyWriter {
    final class Box: @unchecked Sendable { var buffer = ByteBuffer() }
    let box = Box()

    mutating func write(_ buffer: ByteBuffer) async throws {
        var b = buffer
        box.buffer.writeBuffer(&b)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
