import AgentState
import Foundation
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
        for pair in query.split(separator: "&") {
            let equals = pair.firstIndex(of: "=")
            // Foundation's decoding answers nil for a broken escape or bytes that are not UTF-8.
            guard let name = String(pair[..<(equals ?? pair.endIndex)]).removingPercentEncoding else {
                throw ServerError.malformedQuery(field: nil, "a parameter name is not UTF-8 once percent-decoded")
            }
            guard let rule = rules[name] else { continue }
            guard let value = String(equals.map { pair[pair.index(after: $0)...] } ?? "").removingPercentEncoding else {
                throw ServerError.malformedQuery(field: name, "\(name) is not UTF-8 once percent-decoded")
            }
            guard seen.insert(name).inserted else { throw AgentStateError.invalidInput(field: name, "is given more than once") }
            try rule.check(value)
        }
    }
}
