// Embedding AgentState: a conversation, and a run with a step, an external effect and a human
// approval, that carries on after a restart. Run it twice: the second run resumes the first.
import AgentState
import AgentStateSQLite

let store = try SQLiteStore(path: "agentstate.sqlite")
let t = "default"

// A conversation: append the user's turn, read back the context window.
_ = try? await store.createSession(t, SessionCreate(id: "chat-42", userId: "ann"))
_ = try await store.appendMessages(t, "chat-42", [.user("Please refund order 1001.")], expectedLastSeq: nil)
print("context:", try await store.messages(t, "chat-42", .last(20)).messages.map(\.content))

// A run: whichever worker claims it resumes from its current step.
_ = try? await store.createRun(t, RunCreate(id: "refund-1001", workflow: "refund", sessionId: "chat-42"))
if case .waitingForApproval = try await store.run(t, "refund-1001").status {   // a person approves
    let pending = try await store.approvals(t, ApprovalQuery(status: .pending, runId: "refund-1001")).items[0]
    _ = try await store.decide(t, pending.id, Decision(.approved, by: "lead@example.com"))
}
if let job = try await store.claim(t, ClaimRequest(worker: "worker-1", workflow: "refund")) {
    let (run, token) = (job.run.id, job.lease.token)
    if job.run.currentStep == nil {
        _ = try await store.putStep(t, run, "lookup", StepWrite(status: .completed, result: ["amount": 120], fencingToken: token))
        _ = try await store.requestApproval(t, run, ApprovalRequest(approver: "lead@example.com", reason: "Refund 120 EUR",
                                                                    timeoutSeconds: 86_400, fencingToken: token))
    } else {
        let pay = try await store.beginEffect(t, run, "refund-payment", EffectBegin(holder: "worker-1", fencingToken: token))
        if pay.outcome == .acquired {   // exactly once, however often this step runs
            _ = try await store.completeEffect(t, run, "refund-payment", attemptToken: pay.effect.attemptToken, result: ["ok": true], externalId: "re_1001")
        }
        _ = try await store.transition(t, run, RunTransition(to: .completed, fencingToken: token))
    }
}
let run = try await store.run(t, "refund-1001")
print("run \(run.id): \(run.status.rawValue) at step \(run.currentStep ?? "-")")
try await store.close()
