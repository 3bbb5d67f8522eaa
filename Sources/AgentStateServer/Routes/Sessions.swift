import AgentState
import Foundation
import Hummingbird

extension AgentStateAPI {
    func addSessionRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.post("sessions") { request, context in
            try await context.authorize(.write, .caller)
            var request = request
            var body = try await request.decode(SessionCreate.self, limits: limits)
            body.userId = try Target.scoped(body.userId, to: context.key)
            let session = try await store.createSession(context.tenant, body)
            return try Reply.json(session, status: .created, etag: session.version, headers: [.location: "/v1/sessions/\(session.id)"])
        }
        v1.get("sessions") { request, context in
            try await context.authorize(.read, .caller)
            guard let filter = Target.listFilter(request.query("user_id"), for: context.key) else { return try Reply.json(Page<Session>(items: [], nextCursor: nil)) }
            let query = SessionQuery(userId: filter.userId, status: try request.queryChoice("status"),
                                 limit: try request.queryInt("limit") ?? 50, cursor: request.query("cursor"))
            return try Reply.json(try await store.sessions(context.tenant, query))
        }
        v1.delete("sessions/:id") { _, context in
            try await context.authorize(.write, .session(try context.parameters.decoded("id")))
            try await store.deleteSession(context.tenant, try context.parameters.decoded("id"))
            return Reply.noContent
        }

        v1.post("sessions/:id/messages") { request, context in
            try await context.authorize(.write, .session(try context.parameters.decoded("id")))
            var request = request
            let body = try await request.decode(AppendRequest.self, limits: limits)
            let expected = try body.expectedLastSeq ?? request.queryInt("expected_last_seq").map(Int64.init)
            let stored = try await store.appendMessages(context.tenant, try context.parameters.decoded("id"), body.messages,
                                                        expectedLastSeq: expected)
            return try Reply.json(AppendedBody(messages: stored, lastSeq: stored.last?.seq ?? 0), status: .created)
        }
        v1.get("sessions/:id/messages") { request, context in
            try await context.authorize(.read, .session(try context.parameters.decoded("id")))
            let query: MessageQuery
            if let count = try request.queryInt("tail") {
                query = .tail(count)
            } else if let count = try request.queryInt("last") {
                query = .last(count)
            } else if let budget = try request.queryInt("max_tokens") {
                query = .tokenBudget(budget)
            } else if request.query("since") != nil || request.query("until") != nil {
                query = .between(since: try request.queryTime("since"), until: try request.queryTime("until"),
                                 limit: try request.queryInt("limit") ?? 100)
            } else if let after = try request.queryInt("after_seq") {
                query = .after(seq: Int64(after), limit: try request.queryInt("limit") ?? 100)
            } else {
                query = .last(try request.queryInt("limit") ?? 20)
            }
            let id: String = try context.parameters.decoded("id")
            var window = try await store.messages(context.tenant, id, query)
            if request.query("include") == "session" {
                // Read after the window: a message hidden meanwhile is then hidden in what the caller sees.
                window.session = try await store.session(context.tenant, id)
            }
            return try Reply.json(window)
        }
        v1.get("sessions/:id/context") { _, context in
            try await context.authorize(.read, .session(try context.parameters.decoded("id")))
            let session = try await store.session(context.tenant, try context.parameters.decoded("id"))
            return try Reply.json(ContextBody(context: session.context, version: session.version), etag: session.version)
        }
        v1.patch("sessions/:id/context") { request, context in
            try await context.authorize(.write, .session(try context.parameters.decoded("id")))
            var request = request
            let patch = try await request.decode(JSONValue.self, limits: limits)
            let session = try await preconditioned(try request.ifMatch()) { expected in
                try await store.patchContext(context.tenant, try context.parameters.decoded("id"), patch, expectedVersion: expected)
            }
            return try Reply.json(ContextBody(context: session.context, version: session.version), etag: session.version)
        }
        v1.get("sessions/:id/verify") { _, context in
            try await context.authorize(.read, .session(try context.parameters.decoded("id")))
            return try Reply.json(try await store.verifyChain(context.tenant, stream: EventStream.session(try context.parameters.decoded("id"))))
        }
        v1.get("sessions/:id/events") { request, context in
            try await context.authorize(.read, .session(try context.parameters.decoded("id")))
            let events = try await store.events(context.tenant, stream: EventStream.session(try context.parameters.decoded("id")),
                                                afterSeq: Int64(try request.queryInt("after_seq") ?? 0), limit: try request.queryInt("limit") ?? 100)
            return try Reply.json(Items(items: events))
        }
    }
}

