// A worker for crash tests: it claims a run and works through its steps, each with an external
// effect and a checkpoint, resuming from wherever an earlier worker stopped. After the step
// numbered PAUSE_AFTER it sleeps for a minute, so a test can kill it there with SIGKILL, between
// steps, however slow the machine; then the test starts another.
//
// usage: AgentStateTestWorker DB_PATH RUN_ID STEPS PAUSE_AFTER EFFECT_LOG
import AgentState
import AgentStateSQLite
import Foundation

let args = CommandLine.arguments
guard args.count == 6, let steps = Int(args[3]), let pauseAfter = Int(args[4]) else {
    FileHandle.standardError.write(Data("usage: AgentStateTestWorker DB_PATH RUN_ID STEPS PAUSE_AFTER EFFECT_LOG\n".utf8))
    exit(2)
}
let (path, runId, effectLog) = (args[1], args[2], args[5])
let tenant = "crash"
let worker = "worker-\(getpid())"

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The "outside world": one line per performed action, written through to disk.
func perform(_ key: String) throws {
    let fd = open(effectLog, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard fd >= 0 else { throw AgentStateError(.unavailable, "cannot open \(effectLog)") }
    defer { close(fd) }
    let line = Array("\(key)\n".utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    fsync(fd)
}

let store = try SQLiteStore(path: path)
if (try? await store.run(tenant, runId)) == nil {
    _ = try await store.createRun(tenant, RunCreate(id: runId, workflow: "crash-test", input: ["steps": .int(Int64(steps))]))
}
guard let claimed = try await store.claim(tenant, ClaimRequest(worker: worker, leaseSeconds: 2, workflow: "crash-test")) else {
    say("nothing to claim")
    exit(3)
}
let token = claimed.lease.token
let done = Set(try await store.steps(tenant, runId).filter { $0.status == .completed }.map(\.name))
say("claimed token \(token) at step \(claimed.run.currentStep ?? "-") with \(done.count) steps done")

for i in 1...steps where !done.contains("step-\(i)") {
    let name = "step-\(i)"
    _ = try await store.putStep(tenant, runId, name, StepWrite(status: .running, fencingToken: token))
    let effect = try await store.beginEffect(tenant, runId, "notify-\(i)", EffectBegin(holder: worker, leaseSeconds: 2, fencingToken: token))
    if effect.outcome == .acquired {
        try perform("notify-\(i)")
        _ = try await store.completeEffect(tenant, runId, "notify-\(i)", attemptToken: effect.effect.attemptToken,
                                           result: ["sent": true], externalId: "ext-\(i)")
    }
    _ = try await store.saveCheckpoint(tenant, runId, CheckpointWrite(step: name, state: .patch(["done": .int(Int64(i))]), fencingToken: token))
    _ = try await store.putStep(tenant, runId, name, StepWrite(status: .completed, result: ["i": .int(Int64(i))], fencingToken: token))
    _ = try await store.renewLease(tenant, runId, token: token, leaseSeconds: 2)
    say("step \(i) done")
    if i == pauseAfter { try await Task.sleep(for: .seconds(60)) }
}
_ = try await store.transition(tenant, runId, RunTransition(to: .completed, output: ["steps": .int(Int64(steps))], fencingToken: token))
try await store.close()
say("run completed")
