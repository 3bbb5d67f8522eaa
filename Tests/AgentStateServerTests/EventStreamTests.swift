import AgentState
import Foundation
import HTTPTypes
import Testing

@Suite("API: the change feed (Server-Sent Events)")
struct EventStreamTests {
    /// The `id:` lines of a feed's frames.
    static func ids(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
    }

    static func types(_ text: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
    }

    @Test("a run's feed sends its events, resumes after Last-Event-ID, and waits for new ones")
    func runFeed() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            _ = try await api.call(.post, "/v1/runs/r/transitions", #"{"to":"running"}"#)
            let all = try await api.call(.get, "/v1/events/stream?run_id=r&max_events=2")
            #expect(all.status == 200 && all.headers[.contentType] == "text/event-stream")
            #expect(Self.ids(all.text) == ["1", "2"] && Self.types(all.text) == ["run.created", "run.transitioned"])
            #expect(all.text.contains("data: {") && all.text.hasPrefix("retry: 1000\n\n"))

            // Resuming after event 1, and waiting for one that has not happened yet.
            async let later = api.call(.get, "/v1/events/stream?run_id=r&max_events=2", headers: [.lastEventID: "1"])
            try await Task.sleep(for: .milliseconds(300))
            _ = try await api.call(.put, "/v1/runs/r/steps/a", #"{"status":"running"}"#)
            let resumed = try await later
            #expect(Self.ids(resumed.text) == ["2", "3"] && Self.types(resumed.text).last == "step.updated")
        }
    }

    @Test("a session's feed carries its events and its new messages")
    func sessionFeed() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s"}"#)
            _ = try await api.call(.post, "/v1/sessions/s/messages", #"{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}"#)
            let feed = try await api.call(.get, "/v1/events/stream?session_id=s&max_events=3")
            #expect(Self.ids(feed.text) == ["1.0", "1.1", "1.2"] && Self.types(feed.text) == ["session.created", "message.appended", "message.appended"])
            let rest = try await api.call(.get, "/v1/events/stream?session_id=s&max_events=1", headers: [.lastEventID: "1.1"])
            #expect(Self.ids(rest.text) == ["1.2"] && rest.text.contains(#""content":"b""#))
        }
    }

    @Test("an idle feed wakes on the store's change notice, not on its next recheck")
    func wakesOnNotice() async throws {
        let h = try await APIHarness.make()
        try await h.run(feedRecheck: .seconds(120)) { api in
            _ = try await api.call(.post, "/v1/sessions", #"{"id":"s"}"#)
            let clock = ContinuousClock()
            let start = clock.now
            async let feed = api.call(.get, "/v1/events/stream?session_id=s&max_events=2")
            try await Task.sleep(for: .milliseconds(300))
            _ = try await api.call(.post, "/v1/sessions/s/messages", #"{"messages":[{"role":"user","content":"hello"}]}"#)
            let text = try await feed.text
            #expect(Self.types(text) == ["session.created", "message.appended"])
            #expect(clock.now - start < .seconds(60), "woken by the notice; the recheck would take 120 s")
        }
    }

    @Test("bad feed requests are problems before any stream starts")
    func errors() async throws {
        let h = try await APIHarness.make()
        try await h.run { api in
            #expect(try await api.call(.get, "/v1/events/stream").status == 422)
            #expect(try await api.call(.get, "/v1/events/stream?run_id=a&session_id=b").status == 422)
            #expect(try await api.call(.get, "/v1/events/stream?run_id=nope").status == 404)
            _ = try await api.call(.post, "/v1/runs", #"{"id":"r","workflow":"wf"}"#)
            #expect(try await api.call(.get, "/v1/events/stream?run_id=r", headers: [.lastEventID: "x"]).status == 422)
            #expect(try await api.call(.get, "/v1/events/stream?run_id=r", key: h.otherTenant).status == 404)
        }
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
