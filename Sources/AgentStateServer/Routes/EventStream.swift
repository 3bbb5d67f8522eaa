import AgentState
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import NIOCore
import ServiceLifecycle

/// Where a change feed stands: the last run or session event sent, and for a session also the
/// last message.
struct FeedPosition: Equatable, Sendable {
    var event: Int64 = 0
    var message: Int64 = 0

    /// `Last-Event-ID` is `<event seq>` for runs and `<event seq>.<message seq>` for sessions.
    init(_ text: String?) throws {
        guard let text, !text.isEmpty else { return }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let e = Int64(parts[0]), e >= 0, parts.count == 1 || Int64(parts[1]) != nil else {
            throw AgentStateError.invalidInput(field: "Last-Event-ID", "'\(text)' is not an id this feed sent")
        }
        event = e
        message = parts.count == 2 ? Int64(parts[1])! : 0
    }

    var id: String { "\(event).\(message)" }
}

extension AgentStateAPI {
    /// `GET /v1/events/stream?run_id=…|session_id=…` as Server-Sent Events. A run's feed carries
    /// its events; a session's, its events and its new messages. Reconnecting with
    /// `Last-Event-ID` resumes after what was sent. The feed reads from the store only as fast as
    /// the client takes it, so a slow reader holds no growing buffer. An idle feed waits for the
    /// store's change notice (LISTEN/NOTIFY across servers on PostgreSQL), or polls without one.
    func addEventStreamRoutes(to v1: RouterGroup<AppRequestContext>) {
        v1.get("events/stream") { request, context in
            let runId = request.query("run_id"), sessionId = request.query("session_id")
            try await context.authorize(.read, runId.map(Target.run) ?? sessionId.map(Target.session) ?? .caller)
            let tenant = context.tenant
            guard (runId == nil) != (sessionId == nil) else {
                throw AgentStateError.invalidInput(field: "run_id", "give exactly one of run_id or session_id")
            }
            let start = try FeedPosition(request.headers[.lastEventID] ?? request.query("last_event_id"))
            let maxEvents = try request.queryInt("max_events")
            // Answer 404 now, before the stream starts, for a record that is not there.
            if let runId { _ = try await store.run(tenant, runId) }
            if let sessionId { _ = try await store.session(tenant, sessionId) }
            let store = self.store, changes = self.changes
            let poll = changes == nil ? feedPollInterval : feedRecheckInterval, heartbeat = feedHeartbeat
            let stream = runId.map(EventStream.run) ?? EventStream.session(sessionId!)
            let slots = streamSlots, keyId = context.key?.id ?? ""
            if let refusal = slots.open(keyId) { throw refusal }

            let body = ResponseBody { writer in
                defer { slots.close(keyId) }
                // Subscribed before the first read, so a change made in between is not missed.
                let subscription = changes?.subscribe(tenant, stream: stream)
                defer { subscription?.cancel() }
                var position = start
                var sent = 0
                var lastWrite = ContinuousClock.now
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    var frames: [String] = []
                    if runId != nil {
                        for e in try await store.events(tenant, stream: stream, afterSeq: position.event, limit: 100) {
                            position.event = e.seq
                            frames.append(try Self.frame(id: "\(e.seq)", type: e.type, e))
                        }
                    } else if let sessionId {
                        for e in try await store.events(tenant, stream: stream, afterSeq: position.event, limit: 100) {
                            position.event = e.seq
                            frames.append(try Self.frame(id: position.id, type: e.type, e))
                        }
                        let window = try await store.messages(tenant, sessionId, .after(seq: position.message, limit: 100))
                        for m in window.messages {
                            position.message = m.seq
                            frames.append(try Self.frame(id: position.id, type: "message.appended", m))
                        }
                    }
                    for frame in frames {
                        try await writer.write(ByteBuffer(string: frame))
                        lastWrite = .now
                        sent += 1
                        if let maxEvents, sent >= maxEvents { break }
                    }
                    if let maxEvents, sent >= maxEvents { break }
                    if frames.isEmpty {
                        if ContinuousClock.now - lastWrite >= heartbeat {
                            try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                            lastWrite = .now
                        }
                        if let subscription { await subscription.next(timeout: poll) } else { try await Task.sleep(for: poll) }
                    }
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
    }

    static func frame(id: String, type: String, _ value: some Encodable) throws -> String {
        let data = String(decoding: try APICoding.encoder.encode(value), as: UTF8.self)
        return "id: \(id)\nevent: \(type)\ndata: \(data)\n\n"
    }
}

/// The change feeds open on this server, in all and by key: each holds a connection and a
/// task for as long as its client stays.
final class StreamSlots: Sendable {
    private let open = Mutex<(total: Int, byKey: [String: Int])>((0, [:]))
    let limit: Int
    let perKey: Int

    init(limit: Int, perKey: Int) {
        self.limit = limit
        self.perKey = perKey
    }

    /// Takes a slot for `key`, or says why not.
    func open(_ key: String) -> ServerError? {
        open.withLock { o in
            if o.total >= limit { return .tooManyStreams(limit: limit) }
            if o.byKey[key, default: 0] >= perKey { return .tooManyStreams(limit: perKey) }
            o.total += 1
            o.byKey[key, default: 0] += 1
            return nil
        }
    }

    func close(_ key: String) {
        open.withLock { o in
            o.total -= 1
            o.byKey[key, default: 1] -= 1
            if o.byKey[key] == 0 { o.byKey[key] = nil }
        }
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
