import Foundation

/// An operation that declares its HTTP route with itself: from the one declaration the server
/// routes it (authorizes the caller, reads the request into the operation, performs it,
/// answers with its output) and the client sends it. A new operation of this kind is written
/// in its own file and in the contract (`openapi.json`); the list the server routes from,
/// `routedOperations`, is generated from this folder, and tests hold the router, the list and
/// the contract to one another.
///
/// Routes whose handling the declaration cannot say (streams, a permission that depends on
/// the body, answers that are not the operation's output) stay written out in the server.
public protocol RoutedOperation: StoreOperation where Output: Codable {
    /// The request body's type; `NoBody` for a route that takes none.
    associatedtype Body: Codable & Sendable = NoBody
    static var route: OperationRoute { get }
    var tenant: TenantID { get }
    /// The operation a request to the route asks for, in the caller's tenant.
    init(tenant: TenantID, request: RouteRequest<Body>) throws
    /// The request to the route that asks for this operation.
    var request: RouteRequest<Body> { get }
}

extension RoutedOperation {
    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Output {
        let request = self.request
        return try await transport.call(tenant, Self.route.method, Self.route.path(request.parameters), query: request.query,
                                        body: request.body, headers: [:])
    }
}

/// Where an operation is reached over HTTP and who may reach it.
public struct OperationRoute: Sendable {
    public let method: String
    /// As the contract writes it, parameters in braces: `/v1/sessions/{id}/runs`.
    public let path: String
    /// What the caller's role must allow.
    public let permission: Permission
    /// What the request reaches, for a key bound to one user.
    public let reach: RouteReach
    /// The status of a successful answer.
    public let status: Int

    public init(_ method: String, _ path: String, _ permission: Permission, reach: RouteReach, status: Int = 200) {
        self.method = method
        self.path = path
        self.permission = permission
        self.reach = reach
        self.status = status
    }

    /// The path's parameter names, in order.
    public var parameterNames: [String] {
        path.split(separator: "/").compactMap { $0.first == "{" && $0.last == "}" ? String($0.dropFirst().dropLast()) : nil }
    }

    /// The path with its parameters filled in, each escaped as one segment.
    public func path(_ parameters: [String: String]) -> String {
        "/" + path.split(separator: "/").map { part in
            guard part.first == "{", part.last == "}" else { return String(part) }
            return pathSegment(parameters[String(part.dropFirst().dropLast())] ?? "")
        }.joined(separator: "/")
    }
}

/// What a request reaches, named by the path parameter that holds it: for a key bound to one
/// user, another user's record is "not found", as another tenant's is.
public enum RouteReach: Sendable, Equatable {
    /// The whole tenant: refused to a key bound to a user.
    case tenant
    /// What the operation itself keeps to the caller's user.
    case caller
    case session(parameter: String)
    case run(parameter: String)
    case approval(parameter: String)
}

/// A request to an operation's route, as fields: the path's parameters (decoded), the query
/// and the body; on the server, also the user the caller's key is bound to, if any.
public struct RouteRequest<Body: Sendable>: Sendable {
    public var parameters: [String: String]
    public var query: [String: String?]
    public var body: Body?
    /// The user a key bound to one reaches alone (`APIKey.userId`): a list keeps to it.
    public var callerUser: String?
    /// The version an `If-Match` header names: a write conditional on it fails with 412, not 409.
    public var ifMatch: Int64?

    public init(parameters: [String: String] = [:], query: [String: String?] = [:], body: Body? = nil, callerUser: String? = nil,
                ifMatch: Int64? = nil) {
        self.parameters = parameters
        self.query = query
        self.body = body
        self.callerUser = callerUser
        self.ifMatch = ifMatch
    }

    public func parameter(_ name: String) throws -> String {
        guard let value = parameters[name] else { throw AgentStateError.invalidInput(field: name, "is missing from the path") }
        return value
    }

    /// The body, which the route requires.
    public func requiredBody() throws -> Body {
        guard let body else { throw AgentStateError.invalidInput(field: "body", "is required") }
        return body
    }

    public func query(_ name: String) -> String? {
        query[name] ?? nil
    }
}

extension RouteRequest: QueryReading {}

/// What reads a request's query parameters by name: the server's requests and the routed
/// operations' alike, so each typed reading and its error is written once.
public protocol QueryReading {
    /// The parameter's text, if present.
    func query(_ name: String) -> String?
}

extension QueryReading {
    public func queryInt(_ name: String) throws -> Int? {
        guard let text = query(name) else { return nil }
        guard let n = Int(text) else { throw AgentStateError.invalidInput(field: name, "'\(text)' is not an integer") }
        return n
    }

    public func queryTime(_ name: String) throws -> Date? {
        guard let text = query(name) else { return nil }
        guard let d = APICoding.parseTime(text) else { throw AgentStateError.invalidInput(field: name, "'\(text)' is not an ISO 8601 time") }
        return d
    }

    /// A parameter naming one case of `Choice`.
    public func queryChoice<Choice: RawRepresentable & CaseIterable>(_ name: String) throws -> Choice? where Choice.RawValue == String {
        guard let text = query(name) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            throw AgentStateError.invalidInput(field: name, "'\(text)' is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }
}

/// The body of a route that takes none.
public struct NoBody: Codable, Sendable {}

/// What the caller's role must allow.
public enum Permission: String, Sendable {
    case read, write, decide, cancel, admin
    /// Reading the audit trail.
    case audit

    public func allowed(for role: Role) -> Bool {
        switch (role, self) {
        case (.admin, _): true
        case (.agent, .read), (.agent, .write), (.agent, .cancel): true
        case (.operator, .read), (.operator, .decide), (.operator, .cancel), (.operator, .audit): true
        default: false
        }
    }
}

/// A record whose answers carry its version as the `ETag`, for `If-Match`.
public protocol Versioned {
    var version: Int64 { get }
}

extension Session: Versioned {}
extension Run: Versioned {}
extension Approval: Versioned {}
