import AgentState
import Foundation
import Testing

@Suite("The JSON parser and the tree decoder")
struct JSONParserTests {
    @Test("parses what Foundation parses, to the same values")
    func sameAsFoundation() throws {
        let docs = [
            #"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-12.5e3,"g":"\u00e9\ud83d\ude80\n\t\"\\\/"}"#,
            #"  [ ]  "#, #"{}"#, #""just a string""#, "9223372036854775807", "-0.001", #"[1,[2,[3,[4]]]]"#,
            #"{"big":9007199254740993,"neg":-9223372036854775808,"exp":1E2}"#,
        ]
        for doc in docs {
            let mine = try JSONParser.parse(doc)
            let theirs = try JSONDecoder().decode(JSONValue.self, from: Data(doc.utf8))
            #expect(mine == theirs, "\(doc)")
        }
    }

    @Test("refuses broken input with an error, never a crash", arguments: [
        "", "{", "[1,", #"{"a" 1}"#, #"{"a":}"#, "tru", "nul", #""unterminated"#, "01x", "-", #"{"a":1}x"#, "\"a\u{1}b\"",
        #""\ud800""#, #""\uZZZZ""#, #""\q""#, "1e999", String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func broken(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
    }

    @Test("random damage to a document is an error or a value, never a crash")
    func fuzz() {
        let base = Array(#"{"id":"r1","input":{"order":[1,2.5,"x\n\u00e9"],"ok":true},"n":null}"#.utf8)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: at)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test("decodes stored and API documents to the same records as JSONDecoder")
    func records() async throws {
        let store = InMemoryStore(clock: ManualClock())
        _ = try await store.createRun("t", RunCreate(id: "r", workflow: "wf", input: ["order": [1, 2.5, nil, "x"], "n": nil], promptVersion: "v3"))
        _ = try await store.claim("t", ClaimRequest(worker: "w"))
        _ = try await store.recordUsage("t", "r", Usage(tokensIn: 5, modelRequestIds: ["a"]))
        _ = try await store.putStep("t", "r", "pay", StepWrite(status: .failed, error: ErrorInfo(kind: "timeout", message: "slow")))
        _ = try await store.requestApproval("t", "r", ApprovalRequest(approver: "ann", reason: "ok?"))
        let run = try await store.run("t", "r")
        let at = run.createdAt
        let stored = try JSONEncoder.agentState.encode(run)
        #expect(try JSONValueDecoder.storage.decode(Run.self, from: stored) == JSONDecoder.agentState.decode(Run.self, from: stored))
        #expect(try JSONValueDecoder.storage.decode(Run.self, from: stored) == run)
        let api = try APICoding.encoder.encode(run)
        #expect(try JSONValueDecoder.api.decode(Run.self, from: api) == run)
        #expect(try JSONValue(encoding: run).decode(Run.self) == run)
        let m = Message(tenantId: "t", sessionId: "s", seq: 1, role: .assistant, content: "hi", toolCalls: [ToolCall(id: "c", name: "n", arguments: "{}")],
                        tokens: 3, metadata: ["k": 1], createdAt: at)
        #expect(try JSONValueDecoder.api.decode(Message.self, from: APICoding.encoder.encode(m)) == m)
        let missing = #expect(throws: DecodingError.self) { try JSONValueDecoder.api.decode(RunCreate.self, from: Array(#"{"input":{}}"#.utf8)) }
        if case .keyNotFound(let key, _)? = missing { #expect(key.stringValue == "workflow") }
    }
}

@Suite("The tree decoder's key handling")
struct JSONValueDecoderKeyTests {
    @Test("field names convert from snake_case; dictionary keys and JSON documents stay as sent")
    func keys() throws {
        let stats = try JSONValueDecoder.api.decode(StoreStatistics.self, from: Array(
            #"{"runs_by_status":{"waiting_for_approval":2},"pending_approvals":1,"overdue_approvals":0}"#.utf8))
        #expect(stats.runsByStatus == ["waiting_for_approval": 2] && stats.pendingApprovals == 1)
        let create = try JSONValueDecoder.api.decode(RunCreate.self, from: Array(#"{"workflow":"wf","prompt_version":"v1","input":{"order_id":7}}"#.utf8))
        #expect(create.promptVersion == "v1" && create.input == ["order_id": 7])
    }
}

@Suite("The tree decoder and optionals")
struct JSONValueDecoderOptionalTests {
    @Test("an explicit null in an optional field reads as absent, as JSONDecoder reads it")
    func nullIsAbsent() throws {
        let text = #"{"to":"completed","output":null,"reason":null}"#
        let mine = try JSONValueDecoder.api.decode(RunTransition.self, from: Array(text.utf8))
        let theirs = try APICoding.decoder.decode(RunTransition.self, from: Data(text.utf8))
        #expect(mine == theirs && mine.output == nil && mine.reason == nil)
    }
}

@Suite("The tree decoder and integer widths")
struct JSONValueDecoderIntegerTests {
    struct Widths: Codable, Equatable {
        var a: UInt8
        var b: Int16
        var c: UInt32
        var d: Int32
        var e: UInt
        var f: [UInt16]
    }

    @Test("decodes every integer width, and refuses what does not fit")
    func widths() throws {
        let w = Widths(a: 255, b: -300, c: 4_000_000_000, d: -7, e: 42, f: [1, 65535])
        #expect(try JSONValueDecoder.api.decode(Widths.self, from: APICoding.encoder.encode(w)) == w)
        #expect(throws: DecodingError.self) {
            try JSONValueDecoder.api.decode(Widths.self, from: Array(#"{"a":256,"b":0,"c":0,"d":0,"e":0,"f":[]}"#.utf8))
        }
    }
}
