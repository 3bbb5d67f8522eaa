import AgentState
import Foundation
import Testing

@Suite("The fast JSON writer")
struct JSONWriterTests {
    static func message(_ seq: Int64, _ content: String, at ms: Int64, extra: Bool = false) -> Message {
        Message(tenantId: "acme", sessionId: "s-1", seq: seq, role: extra ? .assistant : .user, content: content,
                toolCallId: extra ? "call_1" : nil, name: extra ? "weather" : nil,
                toolCalls: extra ? [ToolCall(id: "c\"1", name: "look/up", arguments: #"{"city":"Oslo"}"#)] : nil, tokens: 12,
                metadata: extra ? ["b": [1, 2.5, nil, true], "a": "x", "ü": ["nested": "\n"]] : nil,
                createdAt: Date(millisecondsSince1970: ms))
    }

    @Test("writes the same bytes as the API's JSONEncoder", arguments: [
        "plain text", "", "quotes \" and \\ backslashes / slashes", "line\nbreak\ttab\r\u{8}\u{C}\u{1}\u{1F}", "ünïcödé 🚀 日本語", String(repeating: "x", count: 600),
    ])
    func sameBytes(content: String) throws {
        for ms: Int64 in [0, 1_795_309_915_437, 951_782_400_000, 4_102_444_800_999, -86_400_001, 1_709_164_800_123] {
            let window = MessageWindow(summary: Summary(text: "so far: \(content)", throughSeq: 3, tokens: 9, createdAt: Date(millisecondsSince1970: ms)),
                                       messages: [Self.message(1, content, at: ms), Self.message(2, content, at: ms + 1, extra: true)], lastSeq: 2, tokens: 24)
            #expect(String(decoding: try window.fastJSON(), as: UTF8.self) == String(decoding: try APICoding.encoder.encode(window), as: UTF8.self), "at \(ms)")
            let bare = MessageWindow(summary: nil, messages: [], lastSeq: 0, tokens: 0)
            #expect(try bare.fastJSON() == Array(try APICoding.encoder.encode(bare)))
            let appended = AppendedBody(messages: [Self.message(7, content, at: ms)], lastSeq: 7)
            #expect(try appended.fastJSON() == Array(try APICoding.encoder.encode(appended)))
        }
    }

    @Test("a session, alone and with a window, as the API's JSONEncoder writes it", arguments: [
        "plain", "quotes \" and \\ backslashes / slashes", "line\nbreak\u{1}", "ünïcödé 🚀",
    ])
    func sessionBytes(text: String) async throws {
        for ms: Int64 in [0, 1_795_309_915_437, 1_709_164_800_123] {
            for s in try await Self.sessions(text, at: Date(millisecondsSince1970: ms)) {
                #expect(try s.fastJSON() == Array(try APICoding.encoder.encode(s)), "at \(ms)")
                let window = MessageWindow(summary: nil, messages: [Self.message(1, text, at: ms)], lastSeq: 1, tokens: 1, session: s)
                #expect(try window.fastJSON() == Array(try APICoding.encoder.encode(window)))
            }
        }
    }

    /// A session with only what every session has, and one with every field set.
    static func sessions(_ text: String, at: Date) async throws -> [Session] {
        var bare = try await InMemoryStore().createSession("acme", SessionCreate(id: "s-1"))
        (bare.createdAt, bare.updatedAt, bare.lastActivityAt) = (at, at, at)
        var full = bare
        full.userId = "u-\(text)"
        full.agentId = "agent"
        full.title = text
        full.status = .closed
        full.metadata = ["b": [1, 2.5, nil, true], "a": .string(text)]
        full.context = ["goal": .string(text), "facts": ["ü": ["nested": "\n"]]]
        full.ttlSeconds = 3600
        full.expiresAt = Date(millisecondsSince1970: at.millisecondsSince1970 + 83_564)
        full.lastSeq = 42
        full.systemSeq = 1
        full.summary = Summary(text: "so far: \(text)", throughSeq: 40, tokens: 9, createdAt: Date(millisecondsSince1970: at.millisecondsSince1970 + 437))
        full.version = 7
        full.updatedAt = Date(millisecondsSince1970: at.millisecondsSince1970 + 562)
        return [bare, full]
    }

    @Test("escapes what JSONEncoder escapes wherever it falls among the eight-byte words the writer steps over")
    func escapesAtEveryOffset() throws {
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}", " ", "é", "🚀", "!", "#", "[", "]"] {
            for length in 1...20 {
                for at in 0..<length {
                    let content = String(repeating: "a", count: at) + special + String(repeating: "z", count: length - at - 1)
                    let appended = AppendedBody(messages: [Self.message(1, content, at: 0)], lastSeq: 1)
                    #expect(try appended.fastJSON() == Array(try APICoding.encoder.encode(appended)), "\(content.debugDescription)")
                }
            }
        }
    }

    @Test("a message as a stored document: the same bytes as JSONEncoder writes, and read back the same", arguments: [
        "plain text", "", "quotes \" and \\ backslashes / slashes", "line\nbreak\ttab\r\u{8}\u{C}\u{1}\u{1F}", "ünïcödé 🚀 日本語",
    ])
    func storedMessage(content: String) throws {
        // Times a store clock gives (Foundation writes times before 1970 with float noise).
        for ms: Int64 in [0, 1_795_309_915_437, 1_709_164_800_123] {
            for m in [Self.message(1, content, at: ms), Self.message(2, content, at: ms, extra: true)] {
                let fast = try StoredDocument.encode(m)
                let slow = String(decoding: try JSONEncoder.agentState.encode(m), as: UTF8.self)
                #expect(fast == slow, "\(fast)\n\(slow)")
                #expect(try StoredDocument.decode(Message.self, fast) == m)
                #expect(try StoredMessageExtras.encode(m) == Self.extrasByFoundation(m))
                var bare = m
                (bare.metadata, bare.name, bare.toolCallId, bare.toolCalls) = (nil, nil, nil, nil)
                for (i, part) in [m.metadata != nil, m.name != nil, m.toolCallId != nil, m.toolCalls != nil].enumerated() where part {
                    var one = bare
                    switch i {
                    case 0: one.metadata = m.metadata
                    case 1: one.name = m.name
                    case 2: one.toolCallId = m.toolCallId
                    default: one.toolCalls = m.toolCalls
                    }
                    #expect(try StoredMessageExtras.encode(one) == Self.extrasByFoundation(one))
                }
            }
        }
    }

    /// The extras column as `JSONEncoder` writes the library's private shape of it.
    static func extrasByFoundation(_ m: Message) throws -> String? {
        struct Extras: Encodable {
            var toolCallId: String?
            var name: String?
            var toolCalls: [ToolCall]?
            var metadata: JSONValue?
        }
        guard m.toolCallId != nil || m.name != nil || m.toolCalls != nil || m.metadata != nil else { return nil }
        return String(decoding: try JSONEncoder.agentState.encode(Extras(toolCallId: m.toolCallId, name: m.name, toolCalls: m.toolCalls, metadata: m.metadata)),
                      as: UTF8.self)
    }

    @Test("a session as a stored document: the same bytes as JSONEncoder writes, and read back the same", arguments: [
        "plain", "quotes \" and \\ backslashes", "line\nbreak\u{1}", "ünïcödé 🚀",
    ])
    func storedSession(text: String) async throws {
        for s in try await Self.sessions(text, at: Date(millisecondsSince1970: 1_795_309_915_437)) {
            let fast = try StoredDocument.encode(s)
            let slow = String(decoding: try JSONEncoder.agentState.encode(s), as: UTF8.self)
            #expect(fast == slow, "\(fast)\n\(slow)")
            #expect(try StoredDocument.decode(Session.self, fast) == s)
        }
    }

    @Test("an audit record as a stored document: the same bytes as JSONEncoder writes, and read back the same")
    func storedAudit() throws {
        let at = Date(millisecondsSince1970: 1_795_309_915_437)
        let full = AuditRecord(id: "aud_1", tenantId: "acme", at: at, keyId: "key_1", role: .operator, method: "POST",
                               route: "/v1/sessions/{id}", path: "/v1/sessions/s \"1\"", status: 201, remote: "::1")
        let bare = AuditRecord(id: "aud_2", tenantId: "acme", at: at, keyId: nil, role: nil, method: "GET", route: "/v1/x", path: "/v1/x",
                               status: 200, remote: nil)
        for r in [full, bare] {
            let fast = try StoredDocument.encode(r)
            #expect(fast == String(decoding: try JSONEncoder.agentState.encode(r), as: UTF8.self))
            #expect(try StoredDocument.decode(AuditRecord.self, fast) == r)
        }
    }

    @Test("an idempotency record as a stored document: the same bytes as JSONEncoder writes, and read back the same")
    func storedIdempotency() throws {
        let at = Date(millisecondsSince1970: 1_795_309_915_437)
        let answered = IdempotencyRecord(tenantId: "acme", key: "key_1 turn/1", requestHash: "ab12", status: 201,
                                         headers: ["Location": "/v1/runs/r", "Content-Type": "application/json", "ETag": "\"3\""],
                                         body: "{\"id\":\"r\",\"text\":\"h\u{e9}llo\\n\"}", createdAt: at, attempt: "T-1",
                                         reservedAt: at, appliedAt: Date(millisecondsSince1970: 1_795_309_915_500))
        let marker = IdempotencyRecord(tenantId: "acme", key: "k", requestHash: "ab12", status: nil, headers: [:], body: nil, createdAt: at,
                                       attempt: "T-2", reservedAt: at, appliedAt: at)
        let bare = IdempotencyRecord(tenantId: "acme", key: "k", requestHash: "", status: 422, headers: [:], body: nil, createdAt: at)
        for r in [answered, marker, bare] {
            let fast = try StoredDocument.encode(r)
            #expect(fast == String(decoding: try JSONEncoder.agentState.encode(r), as: UTF8.self))
            #expect(try StoredDocument.decode(IdempotencyRecord.self, fast) == r)
        }
    }

    @Test("a JSON document and a run's newest checkpoint as stored: the same bytes as JSONEncoder writes, and read back the same", arguments: [
        "plain", "quotes \" and \\ backslashes / slashes", "line\nbreak\u{1}", "ünïcödé 🚀",
    ])
    func storedDocuments(text: String) throws {
        let document: JSONValue = ["b": .string(text), "a": [1, 2.5, -0.125, 1e-7, .null, true], "nested": ["Z": "z", "a": ["deep": .string(text)]],
                                   "big": .int(Int64.max), "empty": [:], "list": []]
        for v in [document, .string(text), .null, [:]] {
            let fast = try StoredDocument.encode(v)
            #expect(fast == String(decoding: try JSONEncoder.agentState.encode(v), as: UTF8.self))
            #expect(try StoredDocument.decode(JSONValue.self, fast) == v)
        }
        let at = Date(millisecondsSince1970: 1_795_309_915_437)
        for step in [nil, "node \(text)"] {
            var fields: [String: JSONValue] = ["createdAt": .int(at.millisecondsSince1970), "kind": "patch", "runId": "run-1", "seq": 7,
                                               "state": document, "tenantId": "acme"]
            if let step { fields["step"] = .string(step) }
            let c = try StoredDocument.decode(Checkpoint.self, String(decoding: try JSONEncoder.agentState.encode(JSONValue.object(fields)), as: UTF8.self))
            let fast = try StoredDocument.encode(c)
            #expect(fast == String(decoding: try JSONEncoder.agentState.encode(c), as: UTF8.self))
            #expect(try StoredDocument.decode(Checkpoint.self, fast) == c)
        }
    }

    @Test("a run as a stored document: the same bytes as JSONEncoder writes, and read back the same", arguments: [
        "plain", "quotes \" and \\ backslashes / slashes", "line\nbreak\u{1}", "ünïcödé 🚀",
    ])
    func storedRun(text: String) async throws {
        let at = Date(millisecondsSince1970: 1_795_309_915_437)
        var bare = try await InMemoryStore().createRun("acme", RunCreate(id: "r-1", workflow: "w"))
        (bare.createdAt, bare.updatedAt) = (at, at)
        var full = bare
        full.sessionId = "s-1"
        full.userId = "u-\(text)"
        full.status = .waitingForApproval
        full.currentStep = "step \(text)"
        full.owner = text
        full.retryCount = 2
        full.lastError = ErrorInfo(kind: "timeout", message: text)
        full.lastAttemptAt = Date(millisecondsSince1970: at.millisecondsSince1970 + 1)
        full.input = ["b": [1, 2.5, nil, true], "a": .string(text)]
        full.output = [1, "two", nil]
        full.promptVersion = "v2"
        full.model = "gpt"
        full.usage = Usage(tokensIn: 10, tokensOut: 20, toolCalls: 3, retries: 1, wallTimeMs: 99, modelRequestIds: ["req-1", text])
        full.lease = Lease(holder: "worker \(text)", token: 7, expiresAt: Date(millisecondsSince1970: at.millisecondsSince1970 + 30_000))
        full.fencingToken = 7
        full.waitUntil = Date(millisecondsSince1970: at.millisecondsSince1970 + 60_000)
        full.waitReason = text
        full.pendingApprovalId = "apr_1"
        full.forkedFrom = ForkOrigin(runId: "r-0", eventSeq: 12)
        full.metadata = ["ü": ["nested": "\n"]]
        full.eventSeq = 41
        full.version = 40
        full.finishedAt = Date(millisecondsSince1970: at.millisecondsSince1970 + 90_000)
        var finished = bare
        finished.output = ["answer": .string(text)]
        for r in [bare, full, finished] {
            let fast = try StoredDocument.encode(r)
            #expect(fast == String(decoding: try JSONEncoder.agentState.encode(r), as: UTF8.self), "\(fast)")
            #expect(try StoredDocument.decode(Run.self, fast) == r)
            #expect(r.apiValue == (try JSONValue(encoding: r)))
        }
    }

    @Test("a checkpoint and a stored checkpoint record as the API's JSONEncoder writes them")
    func checkpointBytes() throws {
        let at = Date(millisecondsSince1970: 1_795_309_915_437)
        let state: JSONValue = ["notes": "n\"1\"", "cursor": 3, "nested": ["a": [1, 2.5, nil]]]
        for step in [nil, "node ü"] {
            let record = CheckpointRecord(tenantId: "acme", runId: "r-1", seq: 4, step: step, kind: .patch, body: state, createdAt: at)
            #expect(try record.fastJSON() == Array(try APICoding.encoder.encode(record)))
            var fields: [String: JSONValue] = ["createdAt": .int(at.millisecondsSince1970), "kind": "full", "runId": "r-1", "seq": 4,
                                               "state": state, "tenantId": "acme"]
            if let step { fields["step"] = .string(step) }
            let c = try StoredDocument.decode(Checkpoint.self, try StoredDocument.encode(JSONValue.object(fields)))
            #expect(try c.fastJSON() == Array(try APICoding.encoder.encode(c)))
        }
    }

    @Test("API times keep every millisecond through a round trip")
    func exactTimes() throws {
        struct T: Codable, Equatable { var at: Date }
        for ms: Int64 in [1_709_164_800_123, 1_795_309_915_437, 1, -86_400_001, 253_402_300_799_999] {
            let t = T(at: Date(millisecondsSince1970: ms))
            let back = try APICoding.decoder.decode(T.self, from: APICoding.encoder.encode(t))
            #expect(back.at.millisecondsSince1970 == ms, "\(APICoding.format(t.at))")
        }
        #expect(APICoding.format(Date(millisecondsSince1970: 1_709_164_800_123)) == "2024-02-29T00:00:00.123Z")
    }
}
