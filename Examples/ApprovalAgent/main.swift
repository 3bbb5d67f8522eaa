// The README's example agent: a refund that waits for a person. It talks to a running server,
// records a short conversation, looks the order up, asks an operator to approve the refund, and
// waits. Approve it on /ui (or with `agentstate approvals approve`): the agent pays exactly once
// and completes the run. Stopped while it waits, it picks the same run up again when restarted.
//
//   swift run agentstate-example-agent --server http://127.0.0.1:8080 --key $AGENT_KEY
import AgentState
import AgentStateClient
import Foundation

/// Writes a line at once, unbuffered, so whoever watches (a person, a script) sees it as it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
func option(_ name: String, env: String) -> String? {
    if let i = arguments.firstIndex(of: name), i + 1 < arguments.count { return arguments[i + 1] }
    return ProcessInfo.processInfo.environment[env]
}
guard let server = option("--server", env: "AGENTSTATE_SERVER"), let key = option("--key", env: "AGENTSTATE_KEY") else {
    FileHandle.standardError.write(Data("usage: agentstate-example-agent --server URL --key AGENT_KEY [--order ID]\n".utf8))
    exit(2)
}
let order = option("--order", env: "ORDER") ?? "1001"
guard let me = try? await AgentStateClient(baseURL: server, keys: [:]).authenticate(secret: key) else {
    FileHandle.standardError.write(Data("agentstate-example-agent: the server at \(server) does not accept this key\n".utf8))
    exit(1)
}
let t = me.tenantId
let client = AgentStateClient(baseURL: server, apiKey: key, tenant: t)
let runId = "refund-\(order)", sessionId = "chat-\(order)", worker = "refund-agent-\(ProcessInfo.processInfo.processIdentifier)"

// The conversation that asked for the refund, with the tool call that found the order.
if (try? await client.session(t, sessionId)) == nil {
    _ = try await client.createSession(t, SessionCreate(id: sessionId, userId: "ann", title: "Refund for order \(order)"))
    _ = try await client.appendMessages(t, sessionId, [
        .user("Order \(order) arrived broken. Can I have my money back?"),
        .assistant("Let me look the order up.", toolCalls: [ToolCall(id: "call-1", name: "lookup_order", arguments: "{\"order\":\"\(order)\"}")]),
        NewMessage(role: .tool, content: "{\"order\":\"\(order)\",\"amount\":120,\"currency\":\"EUR\"}", toolCallId: "call-1", name: "lookup_order"),
        .assistant("I have asked a colleague to approve a refund of 120 EUR."),
    ], expectedLastSeq: nil)
}
if (try? await client.run(t, runId)) == nil {
    _ = try await client.createRun(t, RunCreate(id: runId, workflow: "refund", sessionId: sessionId, userId: "ann", input: ["order": .string(order)]))
}

say("run \(runId): started by \(worker)")
while true {
    let run = try await client.run(t, runId)
    switch run.status {
    case .completed:
        say("run \(runId): completed \(run.output.map { String(decoding: $0.canonicalData, as: UTF8.self) } ?? "")")
        exit(0)
    case .failed, .cancelled:
        say("run \(runId): \(run.status.rawValue) \(run.lastError?.message ?? "")")
        exit(1)
    default:
        break
    }
    // Whichever worker holds the run carries on from its current step.
    guard let job = try await client.claim(t, ClaimRequest(worker: worker, leaseSeconds: 30, workflow: "refund")), job.run.id == runId else {
        try await Task.sleep(for: .milliseconds(500))
        continue
    }
    let token = job.lease.token
    if job.run.currentStep == nil {
        _ = try await client.putStep(t, runId, "lookup", StepWrite(status: .completed, result: ["amount": 120, "currency": "EUR"], fencingToken: token))
        let approval = try await client.requestApproval(t, runId, ApprovalRequest(approver: "ops", reason: "Refund 120 EUR for order \(order) to ann",
                                                                                 step: "pay", timeoutSeconds: 86_400, fencingToken: token))
        say("run \(runId): waits for approval \(approval.id); decide it at \(server)/ui/approvals")
        continue
    }
    // Either decision hands the run back to a worker: the approval says which it was.
    let decided = try await client.approvals(t, ApprovalQuery(runId: runId, limit: 10)).items.last
    if decided?.status == .rejected {
        let why = decided?.comment ?? "no reason given"
        _ = try await client.appendMessages(t, sessionId, [.assistant("Sorry, the refund was not approved: \(why)")], expectedLastSeq: nil)
        _ = try await client.transition(t, runId, RunTransition(to: .completed, output: ["refunded": false, "reason": .string(why)], fencingToken: token))
        continue
    }
    // Approved: pay once, however often this step is reached.
    let pay = try await client.beginEffect(t, runId, "refund-payment", EffectBegin(holder: worker, request: ["amount": 120], fencingToken: token))
    var paymentId = pay.effect.externalId ?? ""
    if pay.outcome == .acquired {
        paymentId = "re_\(order)"
        _ = try await client.completeEffect(t, runId, "refund-payment", attemptToken: pay.effect.attemptToken, result: ["refunded": 120], externalId: paymentId)
    }
    _ = try await client.putStep(t, runId, "pay", StepWrite(status: .completed, result: ["payment": .string(paymentId)], fencingToken: token))
    _ = try await client.appendMessages(t, sessionId, [.assistant("Your refund of 120 EUR is on its way (\(paymentId)).")], expectedLastSeq: nil)
    _ = try await client.transition(t, runId, RunTransition(to: .completed, output: ["payment": .string(paymentId)], fencingToken: token))
}
