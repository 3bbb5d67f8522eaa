import AgentState
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 9457 problem document. Every error response of the API is one of these, made here
/// and nowhere else.
struct Problem: Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    /// The input field at fault.
    var field: String?
    /// For conflicts: the record's current version or status.
    var current: String?
    /// A stable code to branch on.
    var code: String

    init(_ status: HTTPResponse.Status, code: String, detail: String, field: String? = nil, current: String? = nil) {
        self.type = "urn:agentstate:problem:\(code)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.field = field
        self.current = current
        self.code = code
    }

    /// The one mapping from errors to responses.
    static func from(_ error: any Error) -> (Problem, HTTPFields) {
        switch error {
        case let e as AgentStateError:
            let status: HTTPResponse.Status
            var headers = HTTPFields()
            switch e.code {
            case .notFound: status = .notFound
            case .invalidInput: status = .unprocessableContent
            case .unauthorized: status = .unauthorized
            case .forbidden: status = .forbidden
            case .unsupported: status = .notImplemented
            case .unavailable:
                status = .serviceUnavailable
                headers[.retryAfter] = "1"
            default: status = .conflict
            }
            return (Problem(status, code: e.code.description, detail: e.message, field: e.field, current: e.current), headers)
        case is IdempotencyKeyHeld:
            // What a retry would learn by asking: the other attempt is, or was, handling it.
            return from(ServerError.idempotencyInProgress)
        case let e as ServerError:
            switch e {
            case .unauthorized:
                return (Problem(.unauthorized, code: "unauthorized", detail: "send a valid API key as 'Authorization: Bearer <key>'"),
                        [.wwwAuthenticate: "Bearer realm=\"agentstate\""])
            case .forbidden(let role, let needs):
                return (Problem(.forbidden, code: "forbidden", detail: "a key with role '\(role.rawValue)' may not \(needs.rawValue) here"), [:])
            case .preconditionFailed(let current):
                return (Problem(.preconditionFailed, code: "precondition_failed",
                                detail: "If-Match does not match the current version \(current)", field: "If-Match", current: current), [:])
            case .preconditionRequired:
                return (Problem(.preconditionRequired, code: "precondition_required", detail: "send If-Match", field: "If-Match"), [:])
            case .bodyTooLarge(let limit):
                return (Problem(.contentTooLarge, code: "body_too_large", detail: "the request body is larger than \(limit) bytes"), [:])
            case .malformedJSON(let why):
                return (Problem(.badRequest, code: "malformed_json", detail: why), [:])
            case .malformedQuery(let field, let why):
                return (Problem(.badRequest, code: "malformed_query", detail: why, field: field), [:])
            case .idempotencyMismatch:
                return (Problem(.unprocessableContent, code: "idempotency_key_reused",
                                detail: "this Idempotency-Key was used with a different request", field: "Idempotency-Key"), [:])
            case .idempotencyInProgress:
                return (Problem(.conflict, code: "idempotency_key_in_progress",
                                detail: "the first request with this Idempotency-Key is still being handled; retry shortly",
                                field: "Idempotency-Key"), [.retryAfter: "1"])
            case .idempotencyApplied:
                return (Problem(.conflict, code: "idempotency_key_applied",
                                detail: """
                                    the first request with this Idempotency-Key was applied, but its response could not be kept (its \
                                    server or store stopped): it will not run again; read the resource to see its outcome
                                    """, field: "Idempotency-Key"), [:])
            case .idempotencyWithheld:
                return (Problem(.conflict, code: "idempotency_key_applied",
                                detail: """
                                    the first request with this Idempotency-Key was applied; its response held a secret, which is \
                                    shown once and never kept, so it cannot be sent again: list what it made to see its outcome
                                    """, field: "Idempotency-Key"), [:])
            case .idempotencyAnswerNotKept(let limit):
                return (Problem(.conflict, code: "idempotency_key_applied",
                                detail: """
                                    the first request with this Idempotency-Key was applied; its answer was larger than \(limit) bytes, \
                                    which are not kept: it will not run again; read the resource to see its outcome
                                    """, field: "Idempotency-Key"), [:])
            case .rateLimited(let wait):
                let seconds = max(1, Int(AgentStateAPI.seconds(wait).rounded(.up)))
                return (Problem(.tooManyRequests, code: "rate_limited", detail: "too many requests; retry in \(seconds) s"),
                        [.retryAfter: String(seconds)])
            case .tooManyStreams(let limit):
                return (Problem(.tooManyRequests, code: "too_many_streams", detail: "at most \(limit) change feeds may be open at once; close one first"),
                        [.retryAfter: "5"])
            case .routeNotFound:
                return (Problem(.notFound, code: "not_found", detail: "no such endpoint"), [:])
            case .methodNotAllowed(let allowed):
                return (Problem(.methodNotAllowed, code: "method_not_allowed", detail: "this endpoint takes \(allowed.joined(separator: ", "))"),
                        [.allow: allowed.joined(separator: ", ")])
            }
        case let e as DecodingError:
            return (decodingProblem(e), [:])
        case is NIOTooManyBytesError:
            return (Problem(.contentTooLarge, code: "body_too_large", detail: "the request body is too large"), [:])
        case let e as HTTPError:
            return (Problem(e.status, code: e.status == .notFound ? "not_found" : "http_\(e.status.code)", detail: e.body ?? e.status.reasonPhrase), [:])
        default:
            return (Problem(.internalServerError, code: "internal", detail: "the server failed to handle this request"), [:])
        }
    }

    private static func decodingProblem(_ e: DecodingError) -> Problem {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { k in k.intValue.map { "[\($0)]" } ?? "." + snakeCased(k.stringValue) }.joined().trimmingPrefix(".").description
        }
        switch e {
        case .keyNotFound(let key, let ctx):
            let field = path(ctx.codingPath + [key])
            return Problem(.unprocessableContent, code: "invalid_input", detail: "\(field) is required", field: field)
        case .typeMismatch(let type, let ctx), .valueNotFound(let type, let ctx):
            let field = path(ctx.codingPath)
            return Problem(.unprocessableContent, code: "invalid_input", detail: "\(field.isEmpty ? "the body" : field) must be \(describe(type))",
                           field: field.isEmpty ? nil : field)
        case .dataCorrupted(let ctx):
            let field = path(ctx.codingPath)
            if let syntax = ctx.underlyingError as? JSONParser.SyntaxError {
                return Problem(.badRequest, code: "malformed_json", detail: "the body is not valid JSON: \(syntax.description)", field: syntax.field)
            }
            if field.isEmpty { return Problem(.badRequest, code: "malformed_json", detail: "the body is not valid JSON") }
            return Problem(.unprocessableContent, code: "invalid_input", detail: "\(field) is not valid: \(ctx.debugDescription)", field: field)
        @unknown default:
            return Problem(.badRequest, code: "malformed_json", detail: "the body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of another type (\(type))"
        }
    }
}

func snakeCased(_ s: String) -> String {
    var out = ""
    for c in s {
        if c.isUppercase {
            out += "_" + c.lowercased()
        } else {
            out.append(c)
        }
    }
    return out
}
