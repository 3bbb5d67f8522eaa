import AgentState
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Request {
    /// Reads the body within the size limit, checks its nesting depth, and decodes it.
    mutating func decode<T: Decodable>(_ type: T.Type, limits: ServerConfiguration.Limits) async throws -> T {
        let buffer = try await body(limits: limits)
        guard buffer.readableBytes > 0 else { throw ServerError.malformedJSON("the request needs a JSON body") }
        return try JSONValueDecoder.api.decode(T.self, from: buffer.readableBytesView)
    }

    /// The body, at most `maxBodyBytes`, checked for nesting deeper than `maxJSONDepth`.
    mutating func body(limits: ServerConfiguration.Limits) async throws -> ByteBuffer {
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: limits.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw ServerError.bodyTooLarge(limit: limits.maxBodyBytes)
        }
        if JSONDepth.exceeds(buffer.readableBytesView, limits.maxJSONDepth) {
            throw AgentStateError.invalidInput(field: "body", "nests arrays and objects deeper than \(limits.maxJSONDepth) levels")
        }
        return buffer
    }
}

/// A scan for nesting depth before any parsing, so a hostile body cannot exhaust the stack.
enum JSONDepth {
    static func exceeds(_ bytes: some Sequence<UInt8>, _ limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }
}

/// Building responses.
enum Reply {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, etag: Int64? = nil, headers extra: HTTPFields = [:]) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let etag { headers[.eTag] = "\"\(etag)\"" }
        headers.append(contentsOf: extra)
        if let fast = value as? any FastJSONEncodable {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try fast.fastJSON())))
        }
        let data = try APICoding.encoder.encode(value)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ error: any Error) -> Response {
        let (problem, extra) = Problem.from(error)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: extra)
        let data = (try? APICoding.encoder.encode(problem)) ?? Data()
        return Response(status: .init(code: problem.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static var noContent: Response { Response(status: .noContent) }
}

extension Request {
    /// The version named by `If-Match: "N"` (or `W/"N"`); `nil` when absent or `*`.
    func ifMatch() throws -> Int64? {
        guard let raw = headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), raw != "*" else { return nil }
        let tag = raw.hasPrefix("W/") ? String(raw.dropFirst(2)) : raw
        guard tag.count >= 3, tag.first == "\"", tag.last == "\"", let v = Int64(tag.dropFirst().dropLast()) else {
            throw AgentStateError.invalidInput(field: "If-Match", "must be an entity tag this server sent, like \"3\"")
        }
        return v
    }

    /// A query parameter, if present.
    public func query(_ name: String) -> String? { uri.queryParameters.get(name) }
}

/// `queryInt`, `queryTime` and `queryChoice` come from `QueryReading`, shared with the routed
/// operations' requests.
extension Request: QueryReading {}

/// Runs a store call whose version check came from `If-Match`: a mismatch is then 412, not 409.
func preconditioned<T>(_ ifMatch: Int64?, _ body: (Int64?) async throws -> T) async throws -> T {
    do {
        return try await body(ifMatch)
    } catch let e as AgentStateError where e.code == .versionConflict && ifMatch != nil {
        throw ServerError.preconditionFailed(current: e.current ?? "?")
    }
}

extension Parameters {
    /// A path parameter, percent-decoded (memory keys may hold an encoded '/').
    func decoded(_ name: String) throws -> String {
        let raw = try require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
