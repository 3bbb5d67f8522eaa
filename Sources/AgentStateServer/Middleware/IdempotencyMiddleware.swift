import AgentState
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// `Idempotency-Key` on a mutating request: the first response is stored, and a retry with the
/// same key and the same request gets it again instead of running twice. The same key with a
/// different request is refused (422).
///
/// As the payment APIs do it: a key belongs to the API key that sent it (another caller's same
/// `Idempotency-Key` is another request), it is looked up only after the caller is authorized
/// (the handler's `authorize` opens the gate this middleware sets), and only the answers of
/// requests that were let through and ran are kept. An answer holding a secret is never kept:
/// its replay is a 409 that says the request was applied.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any StateStore
    let limits: ServerConfiguration.Limits
    let answers: AnswerQueue

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!
    /// Headers worth sending again with a replayed response.
    static let kept: [HTTPField.Name] = [.contentType, .eTag, .location, .retryAfter]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch, .delete].contains(request.method), let key = request.headers[Self.header], let caller = context.key else {
            return try await next(request, context)
        }
        var request = request
        let body = try await request.body(limits: limits)
        let hash = Digests.sha256Hex(Data("\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8) + Data(body.readableBytesView))

        let attempt = IdempotentAttempt(tenant: caller.tenantId, key: key, caller: caller.id, requestHash: hash)
        let gate = IdempotencyGate(store: store, answers: answers, attempt: attempt)
        var context = context
        context.idempotency = gate
        // The handler's writes record, each in its own transaction, that this attempt applied.
        func run() async throws -> Response {
            try await IdempotentAttempt.$current.withValue(attempt) { try await next(request, context) }
        }
        let response: Response
        do {
            do {
                response = try await run()
            } catch is IdempotencyKeyHeld where gate.isOpen {
                // Another attempt's change or answer holds the key: answered as the store says,
                // or run once more if that attempt left nothing.
                try await gate.lookUp()
                response = try await run()
            }
        } catch let replay as IdempotencyGate.Replay {
            return Self.response(from: replay.record)
        } catch {
            // Refused before the key was looked up (authorization, a malformed body), or another
            // attempt holds the key: nothing to keep.
            guard gate.isOpen, !(error is IdempotencyKeyHeld) else { throw error }
            // The request's own failures are answered the same way every time; the server's are not kept.
            return try await remember(Reply.problem(error), attempt, gate)
        }
        guard gate.isOpen else { return response }
        return try await remember(response, attempt, gate)
    }

    private func remember(_ response: Response, _ attempt: IdempotentAttempt, _ gate: IdempotencyGate) async throws -> Response {
        if Self.isKept(response.status), !attempt.committed.isSet {
            // It changed nothing, so nothing told it whether an earlier attempt answered: ask.
            do {
                try await gate.lookUp()
            } catch let replay as IdempotencyGate.Replay {
                return Self.response(from: replay.record)
            }
        }
        guard Self.isKept(response.status) else {
            // If the key cannot be freed now, it is taken over once its hold ends.
            try? await store.abandonIdempotent(attempt)
            return response
        }
        if response.headers[.cacheControl]?.contains("no-store") == true {
            // A secret is shown once and stored nowhere: keep only that the request was applied.
            answers.keep(IdempotentAnswer(attempt: attempt, status: response.status.code, headers: [Self.withheld: "no-store"], body: nil))
            return response
        }
        let collector = BodyCollector()
        var response = response
        try await response.body.write(collector)
        let bytes = collector.box.buffer
        response.body = ResponseBody(byteBuffer: bytes)
        guard bytes.readableBytes <= limits.keptAnswerBytes else {
            // What it reports is in the store already: keep that it was applied, not a second copy.
            answers.keep(IdempotentAnswer(attempt: attempt, status: response.status.code,
                                          headers: [Self.withheld: "\(Self.tooLarge)\(limits.keptAnswerBytes)"], body: nil))
            return response
        }
        var headers: [String: String] = [:]
        for name in Self.kept { if let v = response.headers[name] { headers[name.rawName] = v } }
        // Written after the answer goes out; if that fails, the key, marked applied with the
        // change, tells a retry so instead of running it again.
        answers.keep(IdempotentAnswer(attempt: attempt, status: response.status.code, headers: headers,
                          body: String(decoding: bytes.readableBytesView, as: UTF8.self)))
        return response
    }

    /// The server's failures are not the request's answer, and neither is a refusal of the
    /// caller: a 404 is what another tenant's or user's record looks like, so a retry asks again.
    static func isKept(_ status: HTTPResponse.Status) -> Bool {
        status.code < 500 && ![401, 403, 404].contains(status.code)
    }

    /// Marks, in a kept record's headers, a response that was sent but not kept: `no-store`
    /// (it held a secret) or `too-large:N` (it was larger than N bytes).
    static let withheld = "Cache-Control"
    static let tooLarge = "too-large:"

    static func response(from record: IdempotencyRecord) -> Response {
        var headers = HTTPFields()
        for (name, value) in record.headers { if let n = HTTPField.Name(name) { headers[n] = value } }
        headers[replayed] = "true"
        return Response(status: .init(code: record.status ?? 200), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(string: record.body ?? "")))
    }
}

/// The `Idempotency-Key` of one request, looked up when the handler has authorized the caller.
final class IdempotencyGate: Sendable {
    /// The kept answer to send again; thrown out of the handler to the middleware.
    struct Replay: Error {
        let record: IdempotencyRecord
    }

    let store: any StateStore
    let answers: AnswerQueue
    let attempt: IdempotentAttempt
    private let opened = Mutex(false)

    init(store: any StateStore, answers: AnswerQueue, attempt: IdempotentAttempt) {
        self.store = store
        self.answers = answers
        self.attempt = attempt
    }

    /// Whether the key is this attempt's: the request runs, and its answer is kept.
    var isOpen: Bool { opened.withLock { $0 } }

    /// Lets the request run, unless this server holds an answer for its key not yet written.
    /// The store is not asked: nearly every key is new, and the request's first change finds
    /// out, in its own transaction, whether another attempt holds the key (`IdempotencyKeyHeld`),
    /// whereupon `lookUp` says what to answer. So a new key costs no read.
    func begin() async throws {
        guard !isOpen else { return }
        try answerFromQueue()
        opened.withLock { $0 = true }
    }

    /// Throws the answer another attempt at this key left on this server, not written yet.
    private func answerFromQueue() throws {
        if let kept = answers.pending(attempt), kept.attempt != attempt.token {
            try Self.answer(kept.requestHash == attempt.requestHash ? .replay(kept) : .mismatch)
        }
    }

    /// What the store says of a key a change found held: thrown as the answer (a replay, a
    /// mismatch, in progress, applied), or returns when the request may run again.
    func lookUp() async throws {
        opened.withLock { $0 = false }
        try answerFromQueue()
        // The lookup is not the request's change, which writes under the attempt mark as applied.
        try Self.answer(try await IdempotentAttempt.$current.withValue(nil) { try await store.beginIdempotent(attempt) })
        opened.withLock { $0 = true }
    }

    private static func answer(_ start: IdempotencyStart) throws {
        switch start {
        case .mismatch: throw ServerError.idempotencyMismatch
        case .inProgress: throw ServerError.idempotencyInProgress
        case .applied: throw ServerError.idempotencyApplied
        case .replay(let record):
            if record.body == nil, let withheld = record.headers[IdempotencyMiddleware.withheld] {
                if withheld == "no-store" { throw ServerError.idempotencyWithheld }
                if withheld.hasPrefix(IdempotencyMiddleware.tooLarge) {
                    throw ServerError.idempotencyAnswerNotKept(limit: Int(withheld.dropFirst(IdempotencyMiddleware.tooLarge.count)) ?? 0)
                }
            }
            throw Replay(record: record)
        case .proceed, .takeOver: return
        }
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
