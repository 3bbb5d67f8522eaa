import AgentState

/// The endpoints the OpenAPI document names, to tell a wrong method on a known path (405, with
/// `Allow`) from a path that does not exist (404).
struct RouteTable: Sendable {
    private struct Entry: Sendable {
        var segments: [Substring?]   // nil matches any one segment (a {parameter})
        var methods: [String]
    }

    private let entries: [Entry]

    init(document: String) {
        guard let paths = (try? JSONParser.parse(document))?["paths"]?.objectValue else {
            entries = []
            return
        }
        entries = paths.map { path, item in
            let segments = path.split(separator: "/").map { $0.hasPrefix("{") ? nil : $0 }
            let methods = (item.objectValue ?? [:]).keys.map { $0.uppercased() }.sorted()
            return Entry(segments: segments, methods: methods)
        }
    }

    /// The methods the document allows on `path`, or `nil` when no endpoint has that path.
    func methods(for path: String) -> [String]? {
        let parts = path.split(separator: "/")
        var allowed: Set<String> = []
        for e in entries where e.segments.count == parts.count {
            if zip(e.segments, parts).allSatisfy({ $0 == nil || $0 == $1 }) { allowed.formUnion(e.methods) }
        }
        return allowed.isEmpty ? nil : allowed.sorted()
    }
}
