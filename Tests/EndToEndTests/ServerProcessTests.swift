import AgentStateTesting
import AgentState
import AgentStateClient
import Foundation
import Testing

/// The seed article's "quick check before launch", against real server processes.
@Suite("A real server process")
struct ServerProcessTests {
    @Test("kill -9 the server mid-run: a new server on the same file resumes the run at the right step")
    func restartMidRun() async throws {
        let store = "sqlite:" + temporaryDirectory().appendingPathComponent("server.sqlite").path
        let agentKey = try makeKey(store: store, tenant: "acme", role: "agent")
        let operatorKey = try makeKey(store: store, tenant: "acme", role: "operator")
        let otherKey = try makeKey(store: store, tenant: "globex", role: "agent")

        var server = try await ServerProcess(store: store)
        var agent = AgentStateClient(baseURL: server.url, apiKey: agentKey, tenant: "acme")
        _ = try await agent.createRun("acme", RunCreate(id: "order-7", workflow: "fulfil", input: ["order": 7]))
        let first = try #require(try await agent.claim("acme", ClaimRequest(worker: "w1", leaseSeconds: 4)))
        _ = try await agent.putStep("acme", "order-7", "reserve", StepWrite(status: .completed, result: ["ok": true], fencingToken: first.lease.token))
        _ = try await agent.saveCheckpoint("acme", "order-7", CheckpointWrite(step: "reserve", state: .full(["reserved": true]), fencingToken: first.lease.token))
        _ = try await agent.putStep("acme", "order-7", "charge", StepWrite(status: .running, fencingToken: first.lease.token))

        server.kill9()
        server = try await ServerProcess(store: store)
        agent = AgentStateClient(baseURL: server.url, apiKey: agentKey, tenant: "acme")
        // The dead worker's lease holds until it runs out (checked only while there is time to
        // spare, since a slow restart may use it up), and then the run is free.
        if Date() < first.lease.expiresAt - 1 {
            #expect(try await agent.claim("acme", ClaimRequest(worker: "w2")) == nil, "the first worker's lease still holds")
        }
        let wait = first.lease.expiresAt.timeIntervalSinceNow + 0.3
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
        let resumed = try #require(try await agent.claim("acme", ClaimRequest(worker: "w2", leaseSeconds: 30)))
        #expect(resumed.run.currentStep == "charge" && resumed.lease.token == first.lease.token + 1)
        #expect(try await agent.steps("acme", "order-7").map(\.status) == [.completed, .running])
        #expect(try await agent.checkpoint("acme", "order-7", .latest).state == ["reserved": true])

        // The same step run twice with the same input: one charge.
        let racer = agent
        let tries = try await withThrowingTaskGroup(of: EffectBeginResult.self) { group in
            for w in ["w2", "w3"] {
                group.addTask { try await racer.beginEffect("acme", "order-7", "charge-card", EffectBegin(holder: w, request: ["amount": 42])) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(tries.filter { $0.outcome == .acquired }.count == 1)
        let mine = try #require(tries.first { $0.outcome == .acquired }).effect
        _ = try await agent.completeEffect("acme", "order-7", "charge-card", attemptToken: mine.attemptToken, result: ["charged": 42], externalId: "ch_1")
        let again = try await agent.beginEffect("acme", "order-7", "charge-card", EffectBegin(holder: "w3", request: ["amount": 42]))
        #expect(again.outcome == .completed && again.effect.externalId == "ch_1")

        // Pause at an approval; an operator decides it through the API; a worker carries on.
        _ = try await agent.putStep("acme", "order-7", "charge", StepWrite(status: .completed, fencingToken: resumed.lease.token))
        let approval = try await agent.requestApproval("acme", "order-7", ApprovalRequest(approver: "lead", reason: "ship to a new address?",
                                                                                           timeoutSeconds: 3600, fencingToken: resumed.lease.token))
        let ops = AgentStateClient(baseURL: server.url, apiKey: operatorKey, tenant: "acme")
        #expect(try await ops.approvals("acme", ApprovalQuery(status: .pending, approver: "lead")).items.map(\.id) == [approval.id])
        _ = try await ops.decide("acme", approval.id, Decision(.approved, by: "lead"))
        let third = try #require(try await agent.claim("acme", ClaimRequest(worker: "w4")))
        #expect(third.run.currentStep == "charge" && third.run.status == .running)

        // Another tenant's key sees none of it.
        let other = AgentStateClient(baseURL: server.url, apiKey: otherKey, tenant: "globex")
        await #expect(throws: AgentStateError.self) { try await other.run("globex", "order-7") }
        #expect(try await other.runs("globex", RunQuery()).items.isEmpty)
        #expect(try await agent.verifyChain("acme", stream: "run:order-7").valid)

        // The CLI reads the same run through the server.
        let cli = try runProcess(builtExecutable("agentstate"), ["runs", "show", "order-7", "--server", server.url, "--key", operatorKey])
        #expect(cli.status == 0 && cli.stdout.contains("order-7") && cli.stdout.contains("charge"), "\(cli.stderr)")
        #expect(server.terminate() == 0, "SIGTERM drains and exits cleanly")
    }

    @Test("a write acknowledged before SIGTERM is there after the restart")
    func gracefulStop() async throws {
        let store = "sqlite:" + temporaryDirectory().appendingPathComponent("stop.sqlite").path
        let key = try makeKey(store: store, tenant: "t", role: "agent")
        let server = try await ServerProcess(store: store)
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "t")
        _ = try await client.createSession("t", SessionCreate(id: "s"))
        for i in 1...20 { _ = try await client.appendMessages("t", "s", [.user("m\(i)")], expectedLastSeq: nil) }
        #expect(server.terminate() == 0)
        let again = try await ServerProcess(store: store)
        let window = try await AgentStateClient(baseURL: again.url, apiKey: key, tenant: "t").messages("t", "s", .last(100))
        #expect(window.messages.count == 20 && window.lastSeq == 20)
        _ = again.terminate()
    }
}
