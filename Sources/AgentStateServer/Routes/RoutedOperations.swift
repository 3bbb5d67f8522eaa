import AgentState
import HTTPTypes
import Hummingbird

extension AgentStateAPI {
    /// A route for each operation that declares its own (`RoutedOperation`), all handled alike:
    /// the caller is authorized for what the path reaches before anything else, then the
    /// request is read into the operation, which is performed and answered with its output.
    func addRoutedOperations(to v1: RouterGroup<AppRequestContext>) {
        for operation in routedOperations { addRoute(of: operation, to: v1) }
    }

    private func addRoute<Operation: RoutedOperation>(of _: Operation.Type, to v1: RouterGroup<AppRequestContext>) {
        let route = Operation.route
        let names = route.parameterNames
        let status = HTTPResponse.Status(code: route.status)
        v1.on(RouterPath(Self.routerPath(route.path)), method: HTTPRequest.Method(route.method)!) { request, context in
            var parameters: [String: String] = [:]
            for name in names { parameters[name] = try context.parameters.decoded(name) }
            try await context.authorize(route.permission, Target(route.reach, parameters))
            var request = request
            let body = Operation.Body.self == NoBody.self ? nil : try await request.decode(Operation.Body.self, limits: limits)
            var query: [String: String?] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            // A read has nothing to make conditional, and reads ignored the header before.
            let ifMatch = route.method == "GET" ? nil : try request.ifMatch()
            let operation = try Operation(tenant: context.tenant, request: RouteRequest(parameters: parameters, query: query, body: body,
                                                                                            callerUser: context.key?.userId, ifMatch: ifMatch))
            let output = try await preconditioned(ifMatch) { _ in try await store.perform(operation) }
            return try Reply.json(output, status: status, etag: (output as? any Versioned)?.version)
        }
    }

    /// The contract's path under the `/v1` group, in the router's form: `sessions/:id/runs`.
    static func routerPath(_ path: String) -> String {
        path.split(separator: "/").dropFirst().map { part in
            part.first == "{" && part.last == "}" ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }
}

extension Target {
    /// What a route reaches, with its parameters filled in.
    init(_ reach: RouteReach, _ parameters: [String: String]) {
        switch reach {
        case .tenant: self = .tenant
        case .caller: self = .caller
        case .session(let name): self = .session(parameters[name] ?? "")
        case .run(let name): self = .run(parameters[name] ?? "")
        case .approval(let name): self = .approval(parameters[name] ?? "")
        }
    }
}
