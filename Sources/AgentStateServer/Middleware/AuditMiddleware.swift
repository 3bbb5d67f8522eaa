import AgentState
import Foundation
import Hummingbird

/// Records every authenticated `/v1` request in the audit trail: the key and its role, the
/// route and path, the outcome and the client's address. Bodies are not kept: the trail says
/// who touched what, the state and its events say what it became.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let writer: AuditWriter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = response.status.code
        } catch {
            record(request, context, status: Problem.from(error).0.status)
            throw error
        }
        record(request, context, status: status)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: Int) {
        guard let key = context.key else { return }
        writer.record(request, context, key: key, status: status)
    }
}

extension AuditWriter {
    /// Records a request made with `key`, and its outcome (a read only when all are kept).
    func record(_ request: Request, _ context: AppRequestContext, key: APIKey, status: Int) {
        guard !changesOnly || ![.get, .head].contains(request.method) else { return }
        let now = Date()
        record(AuditRecord(
            id: Identifier.generate("aud", at: now), tenantId: key.tenantId, at: now, keyId: key.id, role: key.role,
            method: request.method.rawValue, route: context.endpointPath ?? request.uri.path, path: request.uri.path, status: status,
            remote: context.remoteAddress?.ipAddress))
    }
}
