import AgentState
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The server's API as a `StateStore`: code written against a store runs unchanged against a
/// server. The tenant of each call picks which of the client's keys it sends; the server takes
/// the tenant from that key.
///
/// Mutating calls carry an `Idempotency-Key`, and a call that fails on the way (connection
/// refused or reset, a 503) is retried with the same key, so a retry never does the work twice.
public final class AgentStateClient: Sendable {
    public let baseURL: String
    let keys: [TenantID: String]
    let http: HTTPClient
    let timeout: TimeAmount
    let retries: Int
    let idempotencyKeys: Bool
    let onClose: (@Sendable () async throws -> Void)?

    /// - Parameters:
    ///   - baseURL: like `http://127.0.0.1:8080`.
    ///   - keys: an API key for each tenant this client acts in.
    ///   - idempotencyKeys: send an `Idempotency-Key` with each write (on by default; a retry is
    ///     then safe). Off saves the server two small writes per call, for benchmarks.
    ///   - onClose: run by `close()`, for whoever owns the server.
    public init(baseURL: String, keys: [TenantID: String], httpClient: HTTPClient = .shared, timeout: Duration = .seconds(30),
                retries: Int = 3, idempotencyKeys: Bool = true, onClose: (@Sendable () async throws -> Void)? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.keys = keys
        self.http = httpClient
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        self.retries = retries
        self.idempotencyKeys = idempotencyKeys
        self.onClose = onClose
    }

    /// A client with one key: `tenant` must be the key's tenant.
    public convenience init(baseURL: String, apiKey: String, tenant: TenantID = "default") {
        self.init(baseURL: baseURL, keys: [tenant: apiKey])
    }

    public func close() async throws {
        try await onClose?()
    }

    // MARK: Requests

    struct Empty: Codable, Hashable, Sendable {}

    /// Sends one call; `nil` for `204 No Content`.
    func send<Response: Decodable>(_ tenant: TenantID, _ method: HTTPMethod, _ path: String, query: [String: String?] = [:],
                                   body: (some Encodable)? = Empty?.none, headers: [String: String] = [:], secret: String? = nil,
                                   as: Response.Type = Response.self) async throws -> Response? {
        guard let key = secret ?? keys[tenant] else {
            throw AgentStateError(.unauthorized, "this client has no API key for tenant '\(tenant)'")
        }
        var components = URLComponents(string: baseURL + path)!
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }.sorted { $0.name < $1.name }
        if !items.isEmpty { components.queryItems = items }
        var request = HTTPClientRequest(url: components.string!)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        var bodyBytes: ByteBuffer? = nil
        if let body {
            bodyBytes = ByteBuffer(bytes: try APICoding.encoder.encode(body))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        if method != .GET, idempotencyKeys { request.headers.add(name: "Idempotency-Key", value: UUID().uuidString) }

        var attempt = 0
        var waitedInProgress = 0
        while true {
            attempt += 1
            if let bodyBytes { request.body = .bytes(bodyBytes) }
            do {
                let response = try await http.execute(request, timeout: timeout)
                let bytes = try await response.body.collect(upTo: 64 << 20)
                let data = Data(bytes.readableBytesView)
                if response.status == .serviceUnavailable, attempt <= retries {
                    try await Task.sleep(for: Self.backoff(attempt))
                    continue
                }
                // An earlier try of this call still holds its key: it is being handled, or its
                // server died and the key is freed (or found applied) once its lease ends.
                if response.status == .conflict, idempotencyKeys, waitedInProgress < Self.inProgressWaits,
                    Self.problemCode(data) == "idempotency_key_in_progress"
                {
                    waitedInProgress += 1
                    try await Task.sleep(for: .seconds(1))
                    continue
                }
                guard (200..<300).contains(response.status.code) else { throw Self.error(status: Int(response.status.code), data) }
                if response.status == .noContent || data.isEmpty { return nil }
                do {
                    return try JSONValueDecoder.api.decode(Response.self, from: data)
                } catch {
                    throw AgentStateError(.unavailable, "the server's answer to \(method) \(path) could not be read: \(error)")
                }
            } catch let error where error is HTTPClientError || error is ChannelError || error is IOError {
                // The connection failed: retry with the same Idempotency-Key while that can help.
                guard attempt <= retries, Self.isTransient(error) else {
                    throw AgentStateError(.unavailable, "cannot reach \(baseURL): \(error)")
                }
                try await Task.sleep(for: Self.backoff(attempt))
            }
        }
    }

    /// Channel and socket errors are worth another try; of the client's own, only those about
    /// the connection.
    private static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? HTTPClientError else { return true }
        return [.remoteConnectionClosed, .connectTimeout, .readTimeout, .cancelled].contains(error) || "\(error)".contains("connect")
    }

    private static func backoff(_ attempt: Int) -> Duration { .milliseconds(100 << attempt) }

    /// A problem document as the error the store would have thrown.
    /// Seconds a call waits out an earlier try of itself: past the server's lease on a key.
    static let inProgressWaits = Int(IdempotentAttempt.lease) + 5

    static func problemCode(_ data: Data) -> String? {
        struct ProblemBody: Decodable { var code: String? }
        return (try? JSONValueDecoder.api.decode(ProblemBody.self, from: data))?.code
    }

    static func error(status: Int, _ data: Data) -> AgentStateError {
        struct ProblemBody: Decodable { var code: String?; var detail: String?; var field: String?; var current: String? }
        let p = try? JSONValueDecoder.api.decode(ProblemBody.self, from: data)
        let detail = p?.detail ?? "HTTP \(status)"
        let code: AgentStateError.Code
        switch (status, p?.code) {
        case (412, _): code = .versionConflict
        case (_, let c?) where AgentStateError.Code(code: c) != nil: code = AgentStateError.Code(code: c)!
        case (400, _), (413, _), (422, _): code = .invalidInput
        case (401, _): code = .unauthorized
        case (403, _): code = .forbidden
        case (404, _): code = .notFound
        case (409, _): code = .conflict
        default: code = .unavailable
        }
        return AgentStateError(code, detail, field: p?.field, current: p?.current)
    }
}
