import AgentState
import AgentStateServer
import Hummingbird
import Foundation
import HTTPTypes
import Logging
import Testing

@Suite("API: the OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("/openapi.json is an OpenAPI 3.1 document describing every endpoint group, with the problem schema")
    func document() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            let r = try await api.call(.get, "/openapi.json", key: "")
            #expect(r.status == 200)
            let doc = try #require(r.json)
            #expect(doc["openapi"] == "3.1.0")
            let paths = try #require(doc["paths"]?.objectValue)
            for path in ["/v1/sessions/{id}/messages", "/v1/runs/claim", "/v1/runs/{id}/effects/{key}/begin", "/v1/approvals/{id}/decision",
                         "/v1/memory/{user}/search", "/v1/events/stream", "/v1/users/{user}", "/v1/keys", "/metrics", "/health/ready"] {
                #expect(paths[path] != nil, "\(path) is documented")
            }
            #expect(doc["components"]?["schemas"]?["Problem"]?["required"]?.array?.count == 5)
        }
    }

    /// `METHOD /path` with every parameter written `{}`, as the router and the document both see it.
    static func operation(_ method: String, _ path: String) -> String {
        let segments = path.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "{}" : String($0) }
        return "\(method.uppercased()) /\(segments.joined(separator: "/"))"
    }

    @Test("every route the router registers is an operation of the document, and every operation is routed, with the same methods")
    func routesMatchTheDocument() async throws {
        let (router, _) = buildRouter(store: InMemoryStore(), configuration: ServerConfiguration(), logger: Logger(label: "test"))
        // The operator's pages are HTML for people, not part of the API the document describes.
        let routed = Set(router.routes.map { Self.operation($0.method.rawValue, $0.path.description) }.filter { !$0.contains(" /ui") })
        let doc = try JSONParser.parse(ServerConfiguration.openAPIDocument)
        let paths = try #require(doc["paths"]?.objectValue)
        var documented = Set<String>()
        for (path, item) in paths {
            for method in (item.objectValue ?? [:]).keys where ["get", "put", "post", "patch", "delete"].contains(method) {
                documented.insert(Self.operation(method, path))
            }
        }
        #expect(documented.count > 60)
        #expect(routed.subtracting(documented).sorted() == [], "routed but not in the document")
        #expect(documented.subtracting(routed).sorted() == [], "in the document but not routed")
    }
}
