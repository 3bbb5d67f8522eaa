// One conversation turn — append a user message (300 bytes) and an assistant reply (600 bytes),
// then read the last 20 messages — against sessions already 10 and 5,000 turns deep. The
// promise: the cost does not grow with the length of the conversation.
import AgentState
import AgentStateSQLite
import Benchmark
import Foundation

let userText = String(repeating: "u", count: 300)
let assistantText = String(repeating: "a", count: 600)

/// Sessions preloaded to a depth; turns go round-robin over them so each stays near that depth
/// however many samples the benchmark takes.
final class Fixture: Sendable {
    let store: SQLiteStore
    let sessions: [String]
    let cursor = Counter()

    init(depth: Int, sessionCount: Int) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agentstate-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try SQLiteStore(path: dir.appendingPathComponent("bench.sqlite").path)
        sessions = (0..<sessionCount).map { "s\($0)" }
        let turn = [NewMessage.user(userText), .assistant(assistantText)]
        for id in sessions {
            _ = try await store.createSession("bench", SessionCreate(id: id))
            var left = depth
            while left > 0 {
                let n = min(left, 500)
                _ = try await store.appendMessages("bench", id, Array(repeating: turn, count: n).flatMap { $0 }, expectedLastSeq: nil)
                left -= n
            }
        }
    }

    func turn() async throws {
        let id = sessions[cursor.next() % sessions.count]
        _ = try await store.appendMessages("bench", id, [.user(userText), .assistant(assistantText)], expectedLastSeq: nil)
        let window = try await store.messages("bench", id, .last(20))
        blackHole(window)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

actor Fixtures {
    static let shared = Fixtures()
    private var made: [String: Fixture] = [:]

    func fixture(depth: Int, sessions: Int) async throws -> Fixture {
        let key = "\(depth)x\(sessions)"
        if let f = made[key] { return f }
        let f = try await Fixture(depth: depth, sessionCount: sessions)
        made[key] = f
        return f
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 50,
        maxDuration: .seconds(10),
        maxIterations: 3000)

    for (depth, sessions) in [(10, 300), (5000, 8)] {
        Benchmark("SQLite turn at depth \(depth)") { benchmark in
            let fixture = try await Fixtures.shared.fixture(depth: depth, sessions: sessions)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { try await fixture.turn() }
            benchmark.stopMeasurement()
        }
    }
}
