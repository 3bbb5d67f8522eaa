@testable import AgentState
import Foundation
import Testing

@Suite("The tree encoder")
struct JSONValueEncoderTests {
    /// What `JSONValue(encoding:)` gave before the tree encoder: `JSONEncoder`'s bytes, parsed.
    func viaBytes(_ value: some Encodable) throws -> JSONValue { try JSONParser.parse(APICoding.encoder.encode(value)) }

    @Test("builds the same trees as JSONEncoder and JSONParser, for every kind of record a store writes")
    func sameAsJSONEncoder() async throws {
        let clock = ManualClock()
        let store = InMemoryStore(clock: clock)
        _ = try await store.createRun("t", RunCreate(id: "r", workflow: "wf", input: ["order": [1, 2.5, nil, "x", 1e300, -0.0, 3.0], "n": nil, "camelKey": true],
                                                     promptVersion: "v3", metadata: ["userId": "ann", "nested": ["aB": 1]]))
        let claimed = try #require(try await store.claim("t", ClaimRequest(worker: "w")))
        _ = try await store.recordUsage("t", "r", Usage(tokensIn: 5, modelRequestIds: ["a"]))
        let step = try await store.putStep("t", "r", "pay", StepWrite(status: .failed, error: ErrorInfo(kind: "timeout", message: "slow")))
        let begun = try await store.beginEffect("t", "r", "email-1", EffectBegin(holder: "w", leaseSeconds: 30, fencingToken: claimed.lease.token))
        _ = begun
        let effect = try await store.effect("t", "r", "email-1")
        let approval = try await store.requestApproval("t", "r", ApprovalRequest(approver: "ann", reason: "ok?", timeoutSeconds: 60, onExpiry: .escalate, escalateTo: "bob"))
        let checkpoint = try await store.saveCheckpoint("t", "r", CheckpointWrite(step: "pay", state: .full(["cursor": 3, "ratio": 0.25])))
        let run = try await store.run("t", "r")
        let session = try await store.createSession("t", SessionCreate(id: "s", userId: "ann", title: "Refund", metadata: ["k": 1]))
        let messages = try await store.appendMessages("t", "s", [.user("hi"), NewMessage(role: .assistant, content: "ok", toolCalls: [ToolCall(id: "c", name: "n", arguments: "{}")])],
                                                      expectedLastSeq: nil)
        let events = try await store.events("t", stream: "run:r", afterSeq: 0, limit: 100)

        let (direct, parsed) = (try JSONValueEncoder.api(run), try viaBytes(run))
        #expect(direct == parsed, "\(describeDifference(direct, parsed))")
        #expect(try JSONValueEncoder.api(step) == viaBytes(step))
        #expect(try JSONValueEncoder.api(effect) == viaBytes(effect))
        #expect(try JSONValueEncoder.api(approval) == viaBytes(approval))
        #expect(try JSONValueEncoder.api(checkpoint) == viaBytes(checkpoint))
        #expect(try JSONValueEncoder.api(session) == viaBytes(session))
        #expect(try JSONValueEncoder.api(messages) == viaBytes(messages))
        #expect(try JSONValueEncoder.api(events) == viaBytes(events))
        #expect(try JSONValueEncoder.api(claimed) == viaBytes(claimed))
    }

    @Test("numbers, dates, optionals and dictionary keys come out as JSONEncoder writes them")
    func scalars() throws {
        struct Sample: Encodable {
            var wholeDouble = 2.0
            var fraction = 0.5
            var huge = 1e300
            var big = Int64.max
            var unsigned: UInt8 = 7
            var float: Float = 1.5
            var at = Date(timeIntervalSince1970: 1_800_000_000.123)
            var absent: String? = nil
            var present: String? = "x"
            var myURLValue = URL(string: "https://example.com/a")!
            var names = ["camelCase": 1, "snake_case": 2]
            var list = [1, 2]
            var nothing: [String] = []
        }
        #expect(try JSONValueEncoder.api(Sample()) == viaBytes(Sample()))
        #expect(try JSONValueEncoder.api(JSONValue.array([.double(3.0), .double(0.5), ["n": .double(-1.0)]])) == [3, 0.5, ["n": -1]],
                "whole doubles in a document read back as integers, as they do once written")
    }

    @Test("snake_case names as JSONEncoder converts them", arguments: [
        "a", "camelCase", "myURLValue", "URLValue", "value2Go", "_leading", "trailing_", "ABC", "lastSeq", "tokensIn", "modelRequestIds", "x1Y",
        "aB2c", "lastSeqAt", "a1b2C3", "zZ", "", "café", "a_bC",
    ])
    func snake(name: String) throws {
        struct Key: CodingKey {
            var stringValue: String
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
        struct One: Encodable {
            let name: String
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(1, forKey: Key(name))
            }
        }
        let expected = try #require(try viaBytes(One(name: name)).objectValue?.keys.first)
        #expect(JSONValueEncoder.convertToSnakeCase(name) == expected)
        #expect(JSONValueEncoder.snake(name) == expected, "the names converted without asking JSONEncoder too")
    }
}

func describeDifference(_ a: JSONValue, _ b: JSONValue, _ path: String = "") -> [String] {
    switch (a, b) {
    case (.object(let x), .object(let y)):
        return Set(x.keys).union(y.keys).sorted().flatMap { k -> [String] in
            guard let l = x[k], let r = y[k] else { return ["\(path)/\(k): \(x[k].map { "\($0)" } ?? "absent") vs \(y[k].map { "\($0)" } ?? "absent")"] }
            return describeDifference(l, r, "\(path)/\(k)")
        }
    case (.array(let x), .array(let y)) where x.count == y.count:
        return zip(x, y).enumerated().flatMap { describeDifference($1.0, $1.1, "\(path)/\($0)") }
    default:
        return a == b ? [] : ["\(path): \(a) vs \(b)"]
    }
}
