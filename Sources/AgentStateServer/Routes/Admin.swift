import AgentState
import Foundation
import Hummingbird


/// A key as the API shows it: never its hash.


extension AgentStateAPI {
    func addAdminRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.post("keys") { request, context in
            try await context.authorize(.admin)
            var request = request
            let body = try await request.decode(KeyCreateBody.self, limits: limits)
            let issued = try await store.createAPIKey(context.tenant, role: body.role, name: body.name, userId: body.userId)
            // The secret is shown this once: no cache, and no Idempotency-Key record, may keep it.
            return try Reply.json(IssuedKeyView(key: KeyView(issued.key), secret: issued.secret), status: .created,
                                  headers: [.cacheControl: "no-store"])
        }
        v1.get("keys") { _, context in
            try await context.authorize(.admin)
            return try Reply.json(Items(items: try await store.apiKeys(tenant: context.tenant).map(KeyView.init)))
        }
        v1.delete("keys/:id") { _, context in
            try await context.authorize(.admin)
            let key = try await store.revokeAPIKey(context.tenant, id: try context.parameters.decoded("id"))
            keyCache.forget(keyID: key.id)
            return try Reply.json(KeyView(key))
        }
        v1.get("whoami") { _, context in
            try await context.authorize(.read, .caller)
            return try Reply.json(KeyView(context.key!))
        }
        v1.get("statistics") { _, context in
            try await context.authorize(.read)
            return try Reply.json(try await store.statistics(tenant: context.tenant))
        }
        v1.post("admin/sweep") { _, context in
            try await context.authorize(.admin)
            return try Reply.json(try await store.sweep())
        }
        v1.get("audit") { request, context in
            try await context.authorize(.audit)
            let query = AuditQuery(keyId: request.query("key_id"), since: try request.queryTime("since"), until: try request.queryTime("until"),
                                   changesOnly: request.query("changes_only") == "true", limit: try request.queryInt("limit") ?? 50,
                                   cursor: request.query("cursor"))
            return try Reply.json(try await store.auditRecords(context.tenant, query))
        }
        v1.post("admin/retention") { _, context in
            try await context.authorize(.admin)
            return try Reply.json(try await retention.run(context.tenant))
        }
    }
}
