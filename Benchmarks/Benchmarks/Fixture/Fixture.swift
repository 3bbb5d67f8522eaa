// What the benchmark targets share: a store on a fresh SQLite file, and fixtures built once per
// process however many times a benchmark's closure runs.
import AgentState
import AgentStateSQLite
import Benchmark
import Foundation
import Synchronization

/// The folders of this process's stores, removed when it exits: a million sessions fill
/// hundreds of megabytes.
private let folders = Mutex<[URL]>([])

extension Benchmark.Configuration {
    /// Many short rounds (turns): time, rate, allocations and the process's peak memory.
    public static var turns: Benchmark.Configuration {
        .init(metrics: workloadMetrics, warmupIterations: 50, maxDuration: .seconds(10), maxIterations: 10_000)
    }
}

/// What every workload reports.
public let workloadMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident]

/// A SQLite store on a new file in a new temporary folder.
public func temporarySQLiteStore(clock: any StoreClock = SystemClock()) throws -> SQLiteStore {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agentstate-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    folders.withLock { made in
        if made.isEmpty {
            atexit { folders.withLock { for folder in $0 { try? FileManager.default.removeItem(at: folder) } } }
        }
        made.append(dir)
    }
    return try SQLiteStore(path: dir.appendingPathComponent("bench.sqlite").path, clock: clock)
}

public actor Fixtures {
    public static let shared = Fixtures()
    private var made: [String: any Sendable] = [:]

    /// The fixture named `name`, made by `make` the first time it is asked for.
    public func value<T: Sendable>(_ name: String, _ make: () async throws -> T) async throws -> T {
        if let made = made[name] as? T { return made }
        let value = try await make()
        made[name] = value
        return value
    }
}
