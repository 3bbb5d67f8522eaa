import AgentState
import Foundation
import Hummingbird

struct KeyCreateBody: Decodable {
    var role: Role
    var name: String?
}

/// A key as the API shows it: never its hash.
struct KeyView: Encodable {
    var id: String
    var tenantId: String
    var role: Role
    var name: String?
    var prefix: String
    var createdAt: Date
    var revokedAt: Date?

    init(_ k: APIKey) {
        (id, tenantId, role, name, prefix, createdAt, revokedAt) = (k.id, k.tenantId, k.role, k.name, k.prefix, k.createdAt, k.revokedAt)
    }
}

struct IssuedKeyView: Encodable {
    var key: KeyView
    var secret: String
}

extension AgentStateAPI {
    func addAdminRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.post("keys") { request, context in
            try context.require(.admin)
            var request = request
            let body = try await request.decode(KeyCreateBody.self, limits: limits)
            let issued = try await store.createAPIKey(context.tenant, role: body.role, name: body.name)
            return try Reply.json(IssuedKeyView(key: KeyView(issued.key), secret: issued.secret), status: .created)
        }
        v1.get("keys") { _, context in
            try context.require(.admin)
            return try Reply.json(Items(items: try await store.apiKeys(tenant: context.tenant).map(KeyView.init)))
        }
        v1.delete("keys/:id") { _, context in
            try context.require(.admin)
            let key = try await store.revokeAPIKey(context.tenant, id: try context.parameters.decoded("id"))
            keyCache.forget(keyID: key.id)
            return try Reply.json(KeyView(key))
        }
        v1.get("users/:user/export") { _, context in
            try context.require(.admin)
            return try Reply.json(try await store.exportUser(context.tenant, try context.parameters.decoded("user")))
        }
        v1.delete("users/:user") { _, context in
            try context.require(.admin)
            return try Reply.json(try await store.eraseUser(context.tenant, try context.parameters.decoded("user")))
        }
    }
}
