// A conversation turn in a store holding a thousand, a hundred thousand and a million sessions,
// each turn to one of them at random. The promise: the curve stays flat.
import AgentStateWorkloads
import Benchmark
import BenchmarkFixture

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .turns

    for count in [1_000, 100_000, 1_000_000] {
        Benchmark("Turn with \(count) sessions in the store") { benchmark in
            let turns = try await Fixtures.shared.value("sessions \(count)") {
                let turns = ConversationTurns(store: try temporarySQLiteStore(), tenant: "bench", prefix: "m", spread: count)
                try await turns.prepareSpread()
                return turns
            }
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations { try await turns.once(client: 0, iteration: i) }
        }
    }
}
