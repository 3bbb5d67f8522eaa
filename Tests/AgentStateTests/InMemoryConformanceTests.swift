import AgentState
import AgentStateTesting
import Testing

let inMemoryBackend = Conformance.Backend(
    name: "memory",
    make: { clock in InMemoryStore(clock: clock) },
    reopen: nil,
    tamper: { store, tenant, stream, seq, data in
        (store as! InMemoryStore).tamperEvent(tenant, stream: stream, seq: seq, data: data)
    })

@Suite("Conformance: in-memory store")
struct InMemoryConformanceTests {
    @Test(arguments: Conformance.checks)
    func conformance(_ check: Conformance.Check) async throws {
        try await check.run(on: inMemoryBackend)
    }
}
