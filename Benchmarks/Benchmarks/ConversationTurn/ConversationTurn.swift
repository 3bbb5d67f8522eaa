// The conversation turn (ConversationTurns: append a 300- and a 600-byte message, read the last
// 20) over 200 sessions, each 50 and then 1,000 turns deep. The promise: the cost does not grow
// with the length of the conversation.
import AgentStateWorkloads
import Benchmark
import BenchmarkFixture

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .turns

    for depth in [50, 1_000] {
        Benchmark("Turn, 200 sessions \(depth) turns deep") { benchmark in
            let turns = try await Fixtures.shared.value("turns \(depth)") {
                let turns = ConversationTurns(store: try temporarySQLiteStore(), tenant: "bench", prefix: "c")
                try await turns.prepare(clients: 200, depth: depth)
                return turns
            }
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations { try await turns.once(client: Int.random(in: 0..<200), iteration: i) }
        }
    }
}
