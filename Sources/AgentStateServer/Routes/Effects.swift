import AgentState
import Foundation
import Hummingbird

extension AgentStateAPI {
    /// External actions done once: begun, completed or failed under a key of the run.
    func addEffectRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.post("runs/:id/effects/:key/begin") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let begin = try await request.decode(EffectBegin.self, limits: limits)
            return try Reply.json(try await store.beginEffect(context.tenant, try context.parameters.decoded("id"), try context.parameters.decoded("key"), begin))
        }
        v1.post("runs/:id/effects/:key/complete") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(CompleteEffectBody.self, limits: limits)
            return try Reply.json(try await store.completeEffect(context.tenant, try context.parameters.decoded("id"), try context.parameters.decoded("key"),
                                                                 attemptToken: body.attemptToken, result: body.result, externalId: body.externalId))
        }
        v1.post("runs/:id/effects/:key/fail") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(FailEffectBody.self, limits: limits)
            return try Reply.json(try await store.failEffect(context.tenant, try context.parameters.decoded("id"), try context.parameters.decoded("key"),
                                                             attemptToken: body.attemptToken, error: body.error))
        }
        v1.get("runs/:id/effects/:key") { _, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            return try Reply.json(try await store.effect(context.tenant, try context.parameters.decoded("id"), try context.parameters.decoded("key")))
        }
    }
}
