// The approval day (ApprovalDay): 10,000 runs waiting on approvals, a quarter decided, the rest
// expired by the sweeper. Measured: the sweeping alone, on a fresh store each time.
import AgentState
import AgentStateWorkloads
import Benchmark
import BenchmarkFixture
import Foundation

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Approval day: sweeping 7,500 expired of 10,000",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, .custom("longest pass (ms)"), .custom("per expired approval (µs)")],
            warmupIterations: 0,
            maxDuration: .seconds(300),
            maxIterations: 3)
    ) { benchmark in
        let clock = ManualClock(Date())
        let day = ApprovalDay(store: try temporarySQLiteStore(clock: clock), clock: clock, runs: 10_000, clients: 16, tenant: "bench", prefix: "d")
        try await day.prepare()
        _ = try await day.decideQuarter()
        let start = ContinuousClock.now
        benchmark.startMeasurement()
        let night = try await day.nightfall()
        benchmark.stopMeasurement()
        let sweeping = (ContinuousClock.now - start).milliseconds
        benchmark.measurement(.custom("longest pass (ms)"), Int((night.passes.max() ?? 0).rounded()))
        benchmark.measurement(.custom("per expired approval (µs)"), Int((sweeping * 1000 / Double(night.expired)).rounded()))
        try await day.store.close()
    }
}
