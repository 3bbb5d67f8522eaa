import AgentState
import Hummingbird

/// Checks a request's query against the parameters its operation declares in the OpenAPI
/// document, before the handler reads any: a value of the wrong type, out of its range, not
/// among its choices, given twice, or not UTF-8 once percent-decoded is refused, naming the
/// parameter. A new endpoint is covered by declaring its parameters.
struct QueryCheckMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let query = request.uri.query, !query.isEmpty, let rules = routes.queryRules(request.method.rawValue, request.uri.path) {
            try Self.check(query, rules)
        }
        return try await next(request, context)
    }

    static func check(_ query: String, _ rules: [String: QueryRule]) throws {
        var seen: Set<String> = []
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { pair[..<$0] } ?? pair[...]
            guard let name = percentDecoded(rawName) else { throw ServerError.malformedQuery(field: nil, "a parameter name is not UTF-8") }
            guard let rule = rules[name] else { continue }
            guard let value = percentDecoded(equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]) else {
                throw ServerError.malformedQuery(field: name, "\(name) is not UTF-8 once percent-decoded")
            }
            guard seen.insert(name).inserted else { throw AgentStateError.invalidInput(field: name, "is given more than once") }
            try rule.check(value)
        }
    }

    /// `%XX` sequences turned into their bytes, and the whole read as UTF-8; `nil` when it is not.
    static func percentDecoded(_ raw: Substring.UTF8View) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let c = raw[i]
            if c == UInt8(ascii: "%") {
                let h = raw.index(after: i)
                guard h < raw.endIndex, raw.index(after: h) < raw.endIndex,
                    let hi = hexValue(raw[h]), let lo = hexValue(raw[raw.index(after: h)]) else { return nil }
                bytes.append(hi << 4 | lo)
                i = raw.index(h, offsetBy: 2)
            } else {
                bytes.append(c)
                i = raw.index(after: i)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
