import AgentState
import Foundation
import HTTPTypes

/// The operations of the server's OpenAPI document as an attacker reads them: each one's method,
/// path template, query parameters and a request body its schema accepts, from which the
/// adversarial suite makes its calls. A new endpoint is attacked as soon as it is declared.
struct Operation: Sendable, CustomStringConvertible {
    let id: String
    let method: HTTPRequest.Method
    let template: String
    /// A body built from the request schema, for operations that take one.
    let body: JSONValue?
    /// The body's top-level properties and their schemas, for mutating one field at a time.
    let fields: [(name: String, schema: JSONValue)]
    let queryNames: [String]
    let public_: Bool

    var description: String { "\(method.rawValue) \(template)" }
    var writes: Bool { [.post, .put, .patch, .delete].contains(method) }

    /// Every operation of `document`.
    static func all(in document: JSONValue) throws -> [Operation] {
        let schemas = document["components"]?["schemas"]?.objectValue ?? [:]
        let parameters = document["components"]?["parameters"]?.objectValue ?? [:]
        var out: [Operation] = []
        for (template, item) in document["paths"]?.objectValue ?? [:] {
            for (method, op) in item.objectValue ?? [:] {
                guard let m = HTTPRequest.Method(method.uppercased()), let id = op["operationId"]?.stringValue else { continue }
                var schema = op["requestBody"]?["content"]?["application/json"]?["schema"]
                schema = schema.map { resolve($0, schemas) }
                let fields = (schema?["properties"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, resolve($0.value, schemas)) }
                let queryNames = (op["parameters"]?.arrayValue ?? []).compactMap { p -> String? in
                    let resolved = p["$ref"]?.stringValue.flatMap { parameters[String($0.split(separator: "/").last!)] } ?? p
                    return resolved["in"]?.stringValue == "query" ? resolved["name"]?.stringValue : nil
                }
                out.append(Operation(id: id, method: m, template: template, body: schema.map { example($0, schemas) }, fields: fields,
                                     queryNames: queryNames, public_: op["security"]?.arrayValue?.isEmpty == true))
            }
        }
        return out.sorted { ($0.template, $0.method.rawValue) < ($1.template, $1.method.rawValue) }
    }

    static func resolve(_ schema: JSONValue, _ schemas: [String: JSONValue]) -> JSONValue {
        guard let ref = schema["$ref"]?.stringValue, let name = ref.split(separator: "/").last, let target = schemas[String(name)] else { return schema }
        return resolve(target, schemas)
    }

    /// A value the schema accepts: required properties only, the first choice of an enum or a
    /// `oneOf`, the smallest number and string allowed.
    static func example(_ schema: JSONValue, _ schemas: [String: JSONValue], depth: Int = 0) -> JSONValue {
        let schema = resolve(schema, schemas)
        if let choices = schema["enum"]?.arrayValue, let first = choices.first { return first }
        if let first = (schema["oneOf"] ?? schema["anyOf"])?.arrayValue?.first { return example(first, schemas, depth: depth + 1) }
        switch schema["type"]?.stringValue {
        case "object":
            var out: [String: JSONValue] = [:]
            let properties = schema["properties"]?.objectValue ?? [:]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where depth < 6 {
                out[name] = properties[name].map { example($0, schemas, depth: depth + 1) } ?? .string("x")
            }
            return .object(out)
        case "array":
            guard depth < 6, let items = schema["items"] else { return .array([]) }
            return .array([example(items, schemas, depth: depth + 1)])
        case "string":
            if schema["format"]?.stringValue == "date-time" { return .string("2030-01-01T00:00:00Z") }
            let length = max(1, Int(schema["minLength"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? Int64(1)))
            return .string(String(repeating: "a", count: length))
        case "integer":
            if case .int(let n)? = schema["minimum"] { return .int(max(n, 1)) }
            return .int(1)
        case "number": return .double(1.5)
        case "boolean": return .bool(true)
        default: return .object([:])
        }
    }
}

/// What a call is made with, and where its path parameters point.
struct Targets: Sendable {
    var session = "s-own", run = "r-own", approval = "a-own", key = "key-none", step = "step-1", effect = "mail", seq = "1"
    var callId = "call-1", user = "u-own", namespace = "facts", memoryKey = "k"

    /// The path with each `{parameter}` filled from the literal segment before it.
    func path(for template: String) throws -> String {
        var out: [String] = []
        let segments = template.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for (i, segment) in segments.enumerated() {
            guard segment.hasPrefix("{") else {
                out.append(segment)
                continue
            }
            let before = i > 0 ? segments[i - 1] : ""
            let value: String
            switch (before, segment) {
            case ("sessions", "{id}"): value = session
            case ("runs", "{id}"): value = run
            case ("approvals", "{id}"): value = approval
            case ("keys", "{id}"): value = key
            case ("steps", "{name}"): value = step
            case ("effects", "{key}"): value = effect
            case ("checkpoints", "{seq}"): value = seq
            case ("tool-calls", "{call_id}"): value = callId
            case ("memory", "{user}"), ("users", "{user}"): value = user
            case (_, "{namespace}"): value = namespace
            case (_, "{key}") where template.hasPrefix("/v1/memory"): value = memoryKey
            default:
                throw AgentStateError.invalidInput(field: segment, "the adversarial suite does not know what \(template)'s \(segment) names: teach Targets")
            }
            out.append(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)
        }
        return out.joined(separator: "/")
    }

    /// Query parameters a call needs to mean anything: a feed names its stream and stops after
    /// one event, so it cannot hang the suite.
    func query(for operation: Operation) -> String {
        var parts: [String] = []
        if operation.queryNames.contains("session_id") && operation.template.hasSuffix("/events/stream") { parts.append("session_id=\(session)") }
        if operation.queryNames.contains("max_events") { parts.append("max_events=1") }
        if operation.queryNames.contains("token") { parts.append("token=1") }
        if operation.queryNames.contains("at_seq") { parts.append("at_seq=1") }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

/// One mutation of a valid body, named for the report.
struct Mutation: Sendable {
    let name: String
    let bytes: [UInt8]
    /// The status the mutation must get, when it is sure to be refused the same way everywhere.
    let expected: Int?

    /// Every mutation of `operation`'s body: broken syntax, bytes that are not UTF-8, NUL, lone
    /// surrogates, wrong types, numbers past 64 bits and below zero, deep nesting, oversize.
    static func all(of operation: Operation, maxBody: Int, maxDepth: Int) -> [Mutation] {
        guard let body = operation.body else { return [] }
        let valid = Array(body.canonicalData)
        var out: [Mutation] = [
            Mutation(name: "truncated JSON", bytes: Array(valid.dropLast()), expected: valid.count > 1 ? 400 : nil),
            Mutation(name: "not JSON", bytes: Array("{role: agent,}".utf8), expected: 400),
            Mutation(name: "empty", bytes: [], expected: 400),
            Mutation(name: "an array, not an object", bytes: Array("[]".utf8), expected: nil),
            Mutation(name: "a bare string", bytes: Array(#""x""#.utf8), expected: nil),
            Mutation(name: "NUL byte in the syntax", bytes: [0x7B, 0x00, 0x7D], expected: 400),
            Mutation(name: "nested deeper than the limit", bytes: Array((String(repeating: "[", count: maxDepth + 5) + String(repeating: "]", count: maxDepth + 5)).utf8),
                     expected: 422),
            Mutation(name: "over the size limit", bytes: Array(#"{"pad":""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: maxBody + 10) + Array(#""}"#.utf8),
                     expected: 413),
        ]
        guard case .object(let object) = body else { return out }
        let duplicated = Array(#"{"a":1,"a":2}"#.utf8)
        out.append(Mutation(name: "a key twice", bytes: duplicated, expected: 400))
        for (name, schema) in operation.fields {
            func with(_ raw: String) -> [UInt8] {
                var fields = object
                fields[name] = .string("@@FIELD@@")
                let text = String(decoding: JSONValue.object(fields).canonicalData, as: UTF8.self)
                return Array(text.replacingOccurrences(of: #""@@FIELD@@""#, with: raw).utf8)
            }
            func withBytes(_ raw: [UInt8]) -> [UInt8] {
                let marker = Array("@@RAW@@".utf8)
                let text = with(#""@@RAW@@""#)
                guard let at = text.firstRange(of: marker) else { return text }
                return Array(text[..<at.lowerBound]) + raw + Array(text[at.upperBound...])
            }
            let type = schema["type"]?.stringValue
            out.append(Mutation(name: "\(name): wrong type", bytes: with(type == "string" ? "12345" : type == "array" ? "{}" : #""wrong""#),
                                expected: nil))
            out.append(Mutation(name: "\(name): invalid UTF-8", bytes: withBytes([0x61, 0xC3, 0x28, 0xFF]), expected: 400))
            out.append(Mutation(name: "\(name): lone surrogate", bytes: with(#""\ud800x""#), expected: 400))
            out.append(Mutation(name: "\(name): escaped NUL", bytes: with(#""a\u0000b""#), expected: nil))
            out.append(Mutation(name: "\(name): raw control byte", bytes: withBytes([0x61, 0x00, 0x62]), expected: 400))
            out.append(Mutation(name: "\(name): past 64 bits", bytes: with("-92233720368547758090"), expected: nil))
            out.append(Mutation(name: "\(name): huge exponent", bytes: with("1e400"), expected: 400))
            out.append(Mutation(name: "\(name): negative", bytes: with("-1"), expected: nil))
            out.append(Mutation(name: "\(name): deep", bytes: with(String(repeating: "[", count: maxDepth + 2) + String(repeating: "]", count: maxDepth + 2)),
                                expected: 422))
        }
        return out
    }
}
