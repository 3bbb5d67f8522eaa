import AgentState

/// One round of a benchmark workload, by one of its concurrent clients. The workloads are
/// defined once, here, and driven by two harnesses: `agentstate bench` (which also drives a
/// server over HTTP) and the package-benchmark targets in `Benchmarks/`.
public protocol Workload: Sendable {
    func once(client: Int, iteration: Int) async throws
}

/// Set-up work: `body` for each of 0..<count, on `lanes` tasks at once so that group commit
/// batches the writes, a chunk at a time; `progress` hears how many are done after each chunk.
public func inLanes(
    _ count: Int, lanes: Int, progress: (Int) -> Void = { _ in },
    _ body: @escaping @Sendable (Int) async throws -> Void
) async throws {
    let chunk = max(lanes, 4_096)
    for start in stride(from: 0, to: count, by: chunk) {
        let end = min(count, start + chunk)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                group.addTask { for i in stride(from: start + lane, to: end, by: lanes) { try await body(i) } }
            }
            try await group.waitForAll()
        }
        progress(end)
    }
}
