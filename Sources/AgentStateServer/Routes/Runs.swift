import AgentState
import Foundation
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    static let prefer = Self("Prefer")!
    static let preferenceApplied = Self("Preference-Applied")!
}

extension AgentStateAPI {
    func addRunRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.post("runs") { request, context in
            try await context.authorize(.write, .caller)
            var request = request
            var create = try await request.decode(RunCreate.self, limits: limits)
            create.userId = try Target.scoped(create.userId, to: context.key)
            // A run of the caller's user may not hang off another user's session.
            if let user = context.key?.userId, let session = create.sessionId, let owners = context.owners {
                try await Target.session(session).check(user: user, tenant: context.tenant, owners)
            }
            let run = try await store.createRun(context.tenant, create)
            return try Reply.json(run, status: .created, etag: run.version, headers: [.location: "/v1/runs/\(run.id)"])
        }
        v1.get("runs") { request, context in
            try await context.authorize(.read, .caller)
            guard let filter = Target.listFilter(request.query("user_id"), for: context.key) else { return try Reply.json(Page<Run>(items: [], nextCursor: nil)) }
            let query = RunQuery(status: try request.queryChoice("status"), owner: request.query("owner"), workflow: request.query("workflow"),
                             userId: filter.userId, updatedBefore: try request.queryTime("updated_before"),
                             limit: try request.queryInt("limit") ?? 50, cursor: request.query("cursor"))
            return try Reply.json(try await store.runs(context.tenant, query))
        }
        v1.delete("runs/:id") { _, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            try await store.deleteRun(context.tenant, try context.parameters.decoded("id"))
            return Reply.noContent
        }
        v1.post("runs/:id/transitions") { request, context in
            var request = request
            var transition = try await request.decode(RunTransition.self, limits: limits)
            try await context.authorize(transition.to == .cancelled ? .cancel : .write, .run(try context.parameters.decoded("id")))
            let run = try await preconditioned(try request.ifMatch()) { expected in
                if let expected { transition.expectedVersion = expected }
                return try await store.transition(context.tenant, try context.parameters.decoded("id"), transition)
            }
            return try Reply.json(run, etag: run.version)
        }
        v1.post("runs/:id/usage") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let run = try await store.recordUsage(context.tenant, try context.parameters.decoded("id"), try await request.decode(Usage.self, limits: limits))
            return try Reply.json(run, etag: run.version)
        }

        v1.put("runs/:id/steps/:name") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let write = try await request.decode(StepWrite.self, limits: limits)
            return try Reply.json(try await store.putStep(context.tenant, try context.parameters.decoded("id"), try context.parameters.decoded("name"), write))
        }
        v1.get("runs/:id/steps") { _, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            return try Reply.json(Items(items: try await store.steps(context.tenant, try context.parameters.decoded("id"))))
        }

        v1.post("runs/:id/checkpoints") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(CheckpointBody.self, limits: limits)
            let write = try body.write()
            let saved = try await store.saveCheckpoint(context.tenant, try context.parameters.decoded("id"), write)
            // A writer that keeps its own copy of the state asks for the record as stored (the
            // patch, usually) instead of the whole state back: a smaller answer, and a smaller
            // copy kept for a retry under its Idempotency-Key.
            if request.headers[.prefer]?.contains("return=minimal") == true {
                let stored: JSONValue = if saved.kind == .patch, case .patch(let p) = write.state { p } else { saved.state }
                let record = CheckpointRecord(tenantId: saved.tenantId, runId: saved.runId, seq: saved.seq, step: saved.step, kind: saved.kind, body: stored,
                                              createdAt: saved.createdAt)
                return try Reply.json(record, status: .created, headers: [.preferenceApplied: "return=minimal"])
            }
            return try Reply.json(saved, status: .created)
        }
        v1.get("runs/:id/checkpoints/latest") { request, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            let selector: CheckpointSelector = request.query("step").map { .step($0) } ?? .latest
            return try Reply.json(try await store.checkpoint(context.tenant, try context.parameters.decoded("id"), selector))
        }
        v1.get("runs/:id/checkpoints/:seq") { _, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            guard let seq = Int64(try context.parameters.decoded("seq")) else {
                throw AgentStateError.invalidInput(field: "seq", "must be an integer")
            }
            return try Reply.json(try await store.checkpoint(context.tenant, try context.parameters.decoded("id"), .seq(seq)))
        }
        v1.get("runs/:id/checkpoints") { request, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            let records = try await store.checkpoints(context.tenant, try context.parameters.decoded("id"),
                                                      afterSeq: Int64(try request.queryInt("after_seq") ?? 0), limit: try request.queryInt("limit") ?? 100)
            return try Reply.json(Items(items: records))
        }

        v1.get("runs/:id/events") { request, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            let events = try await store.events(context.tenant, stream: EventStream.run(try context.parameters.decoded("id")),
                                                afterSeq: Int64(try request.queryInt("after_seq") ?? 0), limit: try request.queryInt("limit") ?? 100)
            return try Reply.json(Items(items: events))
        }
        v1.post("runs/:id/events") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(EventBody.self, limits: limits)
            let event = try await store.appendEvent(context.tenant, runId: try context.parameters.decoded("id"), type: body.type, data: body.data ?? .null)
            return try Reply.json(event, status: .created)
        }
        v1.get("runs/:id/verify") { _, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            return try Reply.json(try await store.verifyChain(context.tenant, stream: EventStream.run(try context.parameters.decoded("id"))))
        }
        v1.get("runs/:id/state") { request, context in
            try await context.authorize(.read, .run(try context.parameters.decoded("id")))
            let point: HistoryPoint
            if let seq = try request.queryInt("at_seq") {
                point = .seq(Int64(seq))
            } else if let time = try request.queryTime("at_time") {
                point = .time(time)
            } else {
                throw AgentStateError.invalidInput(field: "at_seq", "give at_seq or at_time")
            }
            return try Reply.json(try await store.runState(context.tenant, try context.parameters.decoded("id"), at: point))
        }
        v1.post("runs/:id/fork") { request, context in
            try await context.authorize(.write, .run(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(ForkBody.self, limits: limits)
            let run = try await store.fork(context.tenant, try context.parameters.decoded("id"), at: try body.point(), newId: body.newId)
            return try Reply.json(run, status: .created, etag: run.version, headers: [.location: "/v1/runs/\(run.id)"])
        }
    }
}
