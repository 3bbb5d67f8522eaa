import AgentState

/// The endpoints the OpenAPI document names: to tell a wrong method on a known path (405, with
/// `Allow`) from a path that does not exist (404), and to check each request's query against
/// the parameters its operation declares.
struct RouteTable: Sendable {
    private struct Entry: Sendable {
        var segments: [Substring?]   // nil matches any one segment (a {parameter})
        /// Each method's declared query parameters, by name.
        var operations: [String: [String: QueryRule]]
        var literals: Int { segments.count { $0 != nil } }
    }

    private let entries: [Entry]
    private static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    init(document: String) {
        guard let root = try? JSONParser.parse(document), let paths = root["paths"]?.objectValue else {
            entries = []
            return
        }
        let shared = root["components"]?["parameters"]?.objectValue ?? [:]
        entries = paths.map { path, item in
            let segments = path.split(separator: "/").map { $0.hasPrefix("{") ? nil : $0 }
            var operations: [String: [String: QueryRule]] = [:]
            for (method, operation) in item.objectValue ?? [:] where Self.methods.contains(method) {
                var rules: [String: QueryRule] = [:]
                for parameter in operation["parameters"]?.arrayValue ?? [] {
                    let resolved = parameter["$ref"]?.stringValue.flatMap { shared[String($0.split(separator: "/").last ?? "")] } ?? parameter
                    guard resolved["in"]?.stringValue == "query", let rule = QueryRule(resolved) else { continue }
                    rules[rule.name] = rule
                }
                operations[method.uppercased()] = rules
            }
            return Entry(segments: segments, operations: operations)
        }
    }

    private func matches(_ path: String) -> [Entry] {
        let parts = path.split(separator: "/")
        return entries.filter { e in e.segments.count == parts.count && zip(e.segments, parts).allSatisfy { $0 == nil || $0 == $1 } }
    }

    /// The methods the document allows on `path`, or `nil` when no endpoint has that path.
    func methods(for path: String) -> [String]? {
        let allowed = Set(matches(path).flatMap(\.operations.keys))
        return allowed.isEmpty ? nil : allowed.sorted()
    }

    /// The query parameters the operation at `method` and `path` declares, or `nil` when the
    /// document has no such operation. A literal segment wins over a parameter, as in the router.
    func queryRules(_ method: String, _ path: String) -> [String: QueryRule]? {
        matches(path).filter { $0.operations[method] != nil }.max { $0.literals < $1.literals }?.operations[method]
    }
}
