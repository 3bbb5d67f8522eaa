import AgentState
import AgentStateClient
import AgentStateTesting
import Foundation
import Testing

/// Faults of the agents themselves: workers that die holding a lease, steps delivered twice.
@Suite("Faults: workers that die, steps delivered twice", .serialized)
struct WorkerFaultTests {
    /// Long enough for a loaded machine to get through a step under it.
    static let mortalLease = 8

    @Test("workers die holding a lease, one right after an external action it never reported: the runs are taken over once the lease ends, the action is not done again, and the dead worker's late writes are refused")
    func workerDiesHoldingLease() async throws {
        let (server, client) = try await Backend.sqliteServer()
        let world = World()
        let deaths = 10
        // A workflow per doomed run, so that a claim takes the run just made and never an
        // earlier one whose lease ran out while this loop went on.
        let steps = StepLoad(client: client, tenant: "acme", workers: deaths, world: world)
        var tally = Tally()
        var acknowledged: Set<String> = []
        var zombies: [(run: String, token: Int64)] = []
        for i in 0..<deaths {
            let run = "doomed-\(i)"
            _ = await tally.call { try await client.createRun("acme", RunCreate(id: run, workflow: "wf-\(i)")) }
            let claim = await tally.call { try await client.claim("acme", ClaimRequest(worker: "mortal", leaseSeconds: Self.mortalLease, workflow: "wf-\(i)")) }
            let claimed = try #require(claim ?? nil, "\(tally.lastError ?? "no run to claim")")
            let token = claimed.lease.token
            // Step 1 done and reported.
            let begun = await tally.call { try await client.beginEffect("acme", run, "act-1", EffectBegin(holder: "mortal", leaseSeconds: Self.mortalLease, fencingToken: token)) }
            let first = try #require(begun, "\(tally.lastError ?? "")")
            world.perform("\(run)/act-1")
            _ = await tally.call { try await client.completeEffect("acme", run, "act-1", attemptToken: first.effect.attemptToken, result: ["ok": true], externalId: "\(run)/act-1") }
            if await tally.call({ try await client.putStep("acme", run, "step-1", StepWrite(status: .completed, result: ["step": 1], fencingToken: token)) }) != nil {
                acknowledged.insert("\(run)/step-1")
            }
            // Step 2: the action happens, and the worker dies before it can say so.
            let second = await tally.call { try await client.beginEffect("acme", run, "act-2", EffectBegin(holder: "mortal", leaseSeconds: Self.mortalLease, fencingToken: token)) }
            _ = try #require(second, "\(tally.lastError ?? "")")
            world.perform("\(run)/act-2")
            zombies.append((run, token))
        }

        let recovered = try await steps.recover()
        #expect(recovered == deaths, "each run taken over once")
        // The dead worker wakes up and reports what it did: its lease is gone.
        var refused = 0
        for (run, token) in zombies {
            do {
                _ = try await client.putStep("acme", run, "step-2", StepWrite(status: .completed, result: ["late": true], fencingToken: token))
            } catch let error as AgentStateError where error.code == .conflict || error.code == .leaseLost {
                refused += 1
            }
        }
        #expect(refused == deaths, "a late write under a lost lease is refused")
        for (run, _) in zombies {
            #expect(try await client.steps("acme", run).first { $0.name == "step-2" }?.result == ["step": 2], "\(run): the late write changed nothing")
        }
        let check = try await steps.check(acknowledged)
        let row = FaultRow("worker dies holding a lease", faults: deaths, tally, lost: check.lost, duplicated: check.duplicated)
        row.report()
        #expect(row.lost == 0 && row.duplicated == 0, "\(world.performedTwice)")
        #expect(server.terminate() == 0)
    }

    @Test("every step's effect begun twice at once and its result written twice, under load: one delivery acts")
    func deliveredTwice() async throws {
        let (server, client) = try await Backend.sqliteServer()
        let world = World()
        let row = try await underLoad("same step delivered twice at once", client: client, world: world, duplicateDelivery: true) {
            try await Task.sleep(for: .seconds(4))
            return 0
        }
        // Enough doubled deliveries to mean something, few enough for two cores shared with
        // the rest of the suite.
        #expect(world.deliveredTwice > 5, "\(row)")
        #expect(server.terminate() == 0)
    }
}
