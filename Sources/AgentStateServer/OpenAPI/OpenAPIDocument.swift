/// The API's OpenAPI 3.1 document, served at `/openapi.json` and printed by `agentstate openapi`.
/// It is `openapi.json` beside this file, the contract reviewed as a file, built into the binary.
/// The test command runs schemathesis against a live server with it (every response must match),
/// and a test holds it and the router to the same operations, both ways.
enum OpenAPIDocument {
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}
