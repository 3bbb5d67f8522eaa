import AgentState
import Foundation
import Synchronization
import Testing

@Suite("Secrets in what agents store")
struct SecretScannerTests {
    // Made-up credentials of each shape (none of them live).
    static let samples: [(kind: String, secret: String)] = [
        ("openai_key", "sk-proj-" + String(repeating: "a1B2", count: 10)),
        ("anthropic_key", "sk-ant-api03-" + String(repeating: "Zx9_", count: 8)),
        ("aws_access_key", "AKIAIOSFODNN7EXAMPLE"),
        ("github_token", "ghp_" + String(repeating: "0123456789", count: 3) + "abcdef"),
        ("github_token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"),
        ("slack_token", "xoxb-123456789012-abcdefABCDEF"),
        ("stripe_key", "sk_live_" + String(repeating: "4eC39HqLyjWDarjt", count: 2)),
        ("google_api_key", "AIza" + String(repeating: "Sy-_0", count: 7)),
        ("agentstate_key", "as_" + String(repeating: "Ab3", count: 13) + "x"),
        ("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
        ("bearer_token", "Bearer abcdefghijklmnopqrstuvwx.yz-123"),
        ("private_key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7V1b\nq9w==\n-----END RSA PRIVATE KEY-----"),
    ]

    @Test("each shape is found in running text and replaced by a marker naming its kind; the text around it stays")
    func redactsEachShape() {
        for (kind, secret) in Self.samples {
            let text = "ünïcödé before: \(secret) — and after 🚀"
            let (redacted, kinds) = SecretScanner.redact(text)
            #expect(kinds == [kind], "\(kind): \(kinds)")
            #expect(redacted == "ünïcödé before: [REDACTED:\(kind)] — and after 🚀", "\(kind): \(redacted)")
            #expect(!redacted.contains(secret))
        }
    }

    @Test("several secrets in one text, at its edges and inside JSON quotes")
    func several() {
        let aws = "AKIAIOSFODNN7EXAMPLE", key = "sk-" + String(repeating: "x", count: 30)
        let (redacted, kinds) = SecretScanner.redact("\(aws) {\"key\":\"\(key)\"} \(aws)")
        #expect(kinds == ["aws_access_key", "openai_key", "aws_access_key"])
        #expect(redacted == "[REDACTED:aws_access_key] {\"key\":\"[REDACTED:openai_key]\"} [REDACTED:aws_access_key]")
    }

    @Test("words that only begin like a key are left alone", arguments: [
        "ask-me-anything-about-the-project-today", "sk-short", "task-" + String(repeating: "a", count: 30), "AKIA is a prefix",
        "AKIAIOSFODNN7EXAMPLEX", "akiaiosfodnn7example", "bearer of bad news", "eyJhbGc", "as_" + String(repeating: "a", count: 39),
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "ghp_tooShort", "the assistant said: risk-free",
    ])
    func nearMisses(text: String) {
        #expect(SecretScanner.findings(in: text).isEmpty, "\(SecretScanner.findings(in: text))")
    }

    @Test("a private key whose end line was cut off is redacted to the end of the text")
    func cutOffKey() {
        let (redacted, kinds) = SecretScanner.redact("key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA")
        #expect(kinds == ["private_key"] && redacted == "key:\n[REDACTED:private_key]")
    }
}

@Suite("The secret guard over a store")
struct SecretGuardTests {
    static let key = "sk-" + String(repeating: "Q", count: 32)

    @Test("redact: messages, tool-call arguments, run input, step results, checkpoints, context and memory keep a marker instead; messages and runs say so")
    func redact() async throws {
        let seen = Seen()
        let store = SecretGuard(InMemoryStore(), policy: .redact) { kind, _ in seen.add(kind) }
        _ = try await store.createSession("acme", SessionCreate(id: "s", context: ["api": .string(Self.key)]))
        let stored = try await store.appendMessages("acme", "s", [
            .user("my key is \(Self.key), keep it"),
            NewMessage(role: .assistant, content: "calling", toolCalls: [ToolCall(id: "c1", name: "http", arguments: #"{"auth":"Bearer abcdefghijklmnopqrstuvwxyz"}"#)]),
            .user("nothing secret here"),
        ], expectedLastSeq: nil)
        #expect(stored[0].content == "my key is [REDACTED:openai_key], keep it")
        #expect(stored[0].metadata?["agentstate.redacted"] == ["openai_key"])
        #expect(stored[1].toolCalls?[0].arguments == #"{"auth":"[REDACTED:bearer_token]"}"#)
        #expect(stored[2].metadata == nil, "a clean message is left as it was")
        let read = try await store.messages("acme", "s", .last(10)).messages
        #expect(!read.map(\.content).joined().contains(Self.key))
        #expect(try await store.session("acme", "s").context == ["api": "[REDACTED:openai_key]"])

        _ = try await store.createRun("acme", RunCreate(id: "r", workflow: "w", input: ["token": .string(Self.key)]))
        let claimed = try #require(try await store.claim("acme", ClaimRequest(worker: "w")))
        _ = try await store.putStep("acme", "r", "fetch", StepWrite(status: .completed, result: ["echo": .string("AKIAIOSFODNN7EXAMPLE")], fencingToken: claimed.lease.token))
        _ = try await store.saveCheckpoint("acme", "r", CheckpointWrite(state: .full(["k": .string(Self.key)])))
        #expect(try await store.run("acme", "r").input == ["token": "[REDACTED:openai_key]"])
        #expect(try await store.steps("acme", "r")[0].result == ["echo": "[REDACTED:aws_access_key]"])
        #expect(try await store.checkpoint("acme", "r", .latest).state == ["k": "[REDACTED:openai_key]"])
        let notes = try await store.events("acme", stream: "run:r", afterSeq: 0, limit: 100).filter { $0.type == "secrets.redacted" }
        #expect(notes.map { $0.data["data"]?["operation"] } == ["create_run", "put_step", "save_checkpoint"])
        #expect(notes[1].data["data"]?["kinds"] == ["aws_access_key"])

        _ = try await store.putMemory("acme", MemoryKey(userId: "u", namespace: "n", key: "k"), MemoryWrite(value: ["v": .string(Self.key)], text: "pw \(Self.key)"))
        let memory = try await store.memoryItems("acme", MemoryQuery(userId: "u", namespace: "n")).items[0]
        #expect(memory.value == ["v": "[REDACTED:openai_key]"] && memory.text == "pw [REDACTED:openai_key]")
        #expect(seen.kinds.filter { $0 == "openai_key" }.count == 6)
    }

    @Test("reject: the write is refused naming the field and the kind, never the value, and nothing is stored")
    func reject() async throws {
        let store = SecretGuard(InMemoryStore(), policy: .reject)
        _ = try await store.createSession("acme", SessionCreate(id: "s"))
        let error = await #expect(throws: AgentStateError.self) {
            try await store.appendMessages("acme", "s", [.user("fine"), .user("key \(Self.key)")], expectedLastSeq: nil)
        }
        #expect(error?.code == .invalidInput && error?.field == "messages[1].content")
        #expect(error.map { "\($0)" }?.contains("openai_key") == true && error.map { "\($0)" }?.contains(Self.key) == false)
        #expect(try await store.messages("acme", "s", .last(10)).messages.isEmpty)
        await #expect(throws: AgentStateError.self) {
            try await store.createRun("acme", RunCreate(workflow: "w", input: ["nested": [["deep": .string(Self.key)]]]))
        }
        #expect(try await store.runs("acme", RunQuery()).items.isEmpty)
    }

    @Test("off: stored as given")
    func off() async throws {
        let store = SecretGuard(InMemoryStore(), policy: .off)
        _ = try await store.createSession("acme", SessionCreate(id: "s"))
        #expect(try await store.appendMessages("acme", "s", [.user(Self.key)], expectedLastSeq: nil)[0].content == Self.key)
    }
}

private final class Seen: Sendable {
    private let state = Mutex<[String]>([])
    func add(_ kind: String) { state.withLock { $0.append(kind) } }
    var kinds: [String] { state.withLock { $0 } }
}
