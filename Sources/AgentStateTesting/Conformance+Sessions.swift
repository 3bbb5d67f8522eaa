import AgentState
import Foundation
import Testing

extension Conformance {
    static let sessionChecks: [Check] = [
        check("sessions: create, read, update with a version check, close, delete") { h in
            let s = h.store
            let created = try await s.createSession(tenant, SessionCreate(id: "s1", userId: "u1", title: "Hello", metadata: ["a": 1]))
            #expect(created.id == "s1" && created.status == .active && created.version == 1 && created.lastSeq == 0)
            #expect(try await s.session(tenant, "s1") == created)
            await expectFailure(.alreadyExists, "same id twice") { try await s.createSession(tenant, SessionCreate(id: "s1")) }

            let updated = try await s.updateSession(tenant, "s1", SessionUpdate(title: "Renamed", metadata: ["b": 2], expectedVersion: 1))
            #expect(updated.title == "Renamed" && updated.version == 2 && updated.metadata == ["a": 1, "b": 2])
            let stale = await expectFailure(.versionConflict, "stale version") {
                try await s.updateSession(tenant, "s1", SessionUpdate(title: "Lost", expectedVersion: 1))
            }
            #expect(stale?.current == "2")
            #expect(try await s.session(tenant, "s1").title == "Renamed")

            let closed = try await s.closeSession(tenant, "s1")
            #expect(closed.status == .closed)
            await expectFailure(.conflict, "append to a closed session") {
                try await s.appendMessages(tenant, "s1", [.user("hi")], expectedLastSeq: nil)
            }
            try await s.deleteSession(tenant, "s1")
            await expectFailure(.notFound, "deleted session") { try await s.session(tenant, "s1") }
            await expectFailure(.notFound, "deleted session's events") { try await s.events(tenant, stream: "session:s1", afterSeq: 0, limit: 10) }
        },
        check("sessions: ids are validated and generated") { h in
            let bad = await expectFailure(.invalidInput, "id with a slash") { try await h.store.createSession(tenant, SessionCreate(id: "a/b")) }
            #expect(bad?.field == "id")
            await expectFailure(.invalidInput, "id too long") {
                try await h.store.createSession(tenant, SessionCreate(id: String(repeating: "x", count: 129)))
            }
            let generated = try await h.store.createSession(tenant, SessionCreate())
            #expect(generated.id.hasPrefix("ses_") && generated.id.count == 30)
            #expect(try await h.store.sessions(tenant, SessionQuery()).items.map(\.id) == [generated.id])
        },
        check("sessions: listed newest first, filtered, paged by cursor") { h in
            for i in 0..<7 {
                _ = try await h.store.createSession(tenant, SessionCreate(id: "s\(i)", userId: i % 2 == 0 ? "even" : "odd"))
                h.clock.advance(by: 1)
            }
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await h.store.sessions(tenant, SessionQuery(limit: 3, cursor: cursor))
                #expect(page.items.count <= 3)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ["s6", "s5", "s4", "s3", "s2", "s1", "s0"])
            #expect(try await h.store.sessions(tenant, SessionQuery(userId: "odd")).items.map(\.id) == ["s5", "s3", "s1"])
            _ = try await h.store.closeSession(tenant, "s4")
            #expect(try await h.store.sessions(tenant, SessionQuery(status: .closed)).items.map(\.id) == ["s4"])
            await expectFailure(.invalidInput, "forged cursor") { try await h.store.sessions(tenant, SessionQuery(cursor: "%%%")) }
            await expectFailure(.invalidInput, "page size") { try await h.store.sessions(tenant, SessionQuery(limit: 0)) }
        },
        check("sessions: context changes by merge patch with a version check") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "s", context: ["goal": "book a flight", "facts": ["a": 1, "b": 2]]))
            let patched = try await h.store.patchContext(tenant, "s", ["facts": ["b": nil, "c": 3], "done": false], expectedVersion: 1)
            #expect(patched.context == ["goal": "book a flight", "facts": ["a": 1, "c": 3], "done": false])
            await expectFailure(.versionConflict, "stale context version") {
                try await h.store.patchContext(tenant, "s", ["goal": "other"], expectedVersion: 1)
            }
            await expectFailure(.invalidInput, "patch that is not an object") {
                try await h.store.patchContext(tenant, "s", ["a", "b"], expectedVersion: nil)
            }
            #expect(try await h.store.session(tenant, "s").context == patched.context)
        },
        check("sessions: idle sessions expire, but never one whose run is waiting") { h in
            _ = try await h.store.createSession(tenant, SessionCreate(id: "idle", ttlSeconds: 60))
            _ = try await h.store.createSession(tenant, SessionCreate(id: "busy", ttlSeconds: 60))
            _ = try await h.store.createSession(tenant, SessionCreate(id: "forever"))
            let claimed = try await h.store.runningRun(tenant, id: "r", sessionId: "busy")
            _ = try await h.store.wait(tenant, "r", WaitRequest(reason: "callback", fencingToken: claimed.lease.token))
            h.clock.advance(by: 30)
            _ = try await h.store.appendMessages(tenant, "idle", [.user("still here")], expectedLastSeq: nil)
            h.clock.advance(by: 45)
            #expect(try await h.store.sweep().sessionsExpired == 0, "activity refreshed the deadline")
            h.clock.advance(by: 61)
            let report = try await h.store.sweep()
            #expect(report.sessionsExpired == 1)
            #expect(try await h.store.session(tenant, "idle").status == .expired)
            #expect(try await h.store.session(tenant, "busy").status == .active)
            #expect(try await h.store.session(tenant, "forever").status == .active)
        },
    ]
}
