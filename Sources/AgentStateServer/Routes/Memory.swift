import AgentState
import Foundation
import Hummingbird

extension AgentStateAPI {
    private func memoryKey(_ context: AppRequestContext) throws -> MemoryKey {
        MemoryKey(userId: try context.parameters.decoded("user"), namespace: try context.parameters.decoded("namespace"),
                  key: try context.parameters.decoded("key"))
    }

    func addMemoryRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.put("memory/:user/:namespace/:key") { request, context in
            try await context.authorize(.write, .memory(try memoryKey(context)))
            var request = request
            var write = try await request.decode(MemoryWrite.self, limits: limits)
            let item = try await preconditioned(try request.ifMatch()) { v in
                if let v { write.expectedVersion = v }
                return try await store.putMemory(context.tenant, try memoryKey(context), write)
            }
            return try Reply.json(item, etag: item.version)
        }
        v1.get("memory/:user/:namespace/:key") { _, context in
            try await context.authorize(.read, .memory(try memoryKey(context)))
            let item = try await store.memory(context.tenant, try memoryKey(context))
            return try Reply.json(item, etag: item.version)
        }
        v1.delete("memory/:user/:namespace/:key") { _, context in
            try await context.authorize(.write, .memory(try memoryKey(context)))
            try await store.deleteMemory(context.tenant, try memoryKey(context))
            return Reply.noContent
        }
        v1.get("memory/:user/:namespace") { request, context in
            try await context.authorize(.read, .caller)
            let user = try context.parameters.decoded("user")
            guard Target.listFilter(user, for: context.key) != nil else { return try Reply.json(Page<MemoryItem>(items: [], nextCursor: nil)) }
            let query = MemoryQuery(userId: user, namespace: try context.parameters.decoded("namespace"),
                                prefix: request.query("prefix"), limit: try request.queryInt("limit") ?? 50, cursor: request.query("cursor"))
            return try Reply.json(try await store.memoryItems(context.tenant, query))
        }
        v1.post("memory/:user/search") { request, context in
            try await context.authorize(.read, .caller)
            var request = request
            let search = try await request.decode(MemorySearch.self, limits: limits)
            let user = try context.parameters.decoded("user")
            guard Target.listFilter(user, for: context.key) != nil else { return try Reply.json(Items<MemoryHit>(items: [])) }
            return try Reply.json(Items(items: try await store.searchMemory(context.tenant, userId: user, search)))
        }
    }
}
