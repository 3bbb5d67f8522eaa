// A run of ten steps (RunSteps: claim; per step, write its result, save a 2 KB checkpoint, read
// it back), with every checkpoint whole and with merge patches after the first; 1,000 runs each.
import AgentStateWorkloads
import Benchmark
import BenchmarkFixture
import Foundation

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: workloadMetrics,
        warmupIterations: 10,
        maxDuration: .seconds(60),
        maxIterations: 1_000)

    for patches in [false, true] {
        Benchmark("Run of 10 steps, checkpoints \(patches ? "as merge patches" : "whole")") { benchmark in
            let store = try await Fixtures.shared.value("steps \(patches)") { try temporarySQLiteStore() }
            // A prefix of its own per run, so that every iteration creates and claims a new run.
            let steps = RunSteps(store: store, tenant: "bench", prefix: UUID().uuidString, patches: patches)
            benchmark.startMeasurement()
            for i in 0..<RunSteps.stepsPerRun { try await steps.once(client: 0, iteration: i) }
        }
    }
}
