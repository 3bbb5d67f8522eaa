import AgentState
import Foundation
import Hummingbird

extension AgentStateAPI {
    /// A worker's hold on a run: claiming it, renewing or giving up its lease, and waiting.
    func addLeaseRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.post("runs/claim") { request, context in
            try await context.authorize(.write)
            var request = request
            let claim = try await request.decode(ClaimRequest.self, limits: limits)
            guard let claimed = try await store.claim(context.tenant, claim) else { return Reply.noContent }
            return try Reply.json(claimed, etag: claimed.run.version)
        }
        v1.post("runs/:id/lease/renew") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(RenewBody.self, limits: limits)
            return try Reply.json(try await store.renewLease(context.tenant, try context.parameters.decoded("id"), token: body.token,
                                                             leaseSeconds: body.leaseSeconds ?? 60))
        }
        v1.delete("runs/:id/lease") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            guard let token = try request.queryInt("token") else {
                throw AgentStateError.invalidInput(field: "token", "give the lease's token as ?token=")
            }
            let run = try await store.releaseLease(context.tenant, try context.parameters.decoded("id"), token: Int64(token))
            return try Reply.json(run, etag: run.version)
        }
        v1.post("runs/:id/wait") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let run = try await store.wait(context.tenant, try context.parameters.decoded("id"), try await request.decode(WaitRequest.self, limits: limits))
            return try Reply.json(run, etag: run.version)
        }
        v1.post("runs/:id/signal") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(SignalBody.self, limits: limits)
            let run = try await store.signal(context.tenant, try context.parameters.decoded("id"), payload: body.payload)
            return try Reply.json(run, etag: run.version)
        }
    }
}
