import AgentState

/// The run step: every tenth step starts a new run (created and claimed); each step writes its
/// result, saves a checkpoint of about 2 KB (whole, or after the run's first a merge patch of
/// what changed) and reads the checkpoint back. With `together`, the step and its checkpoint go
/// in one write (`saveProgress`).
public struct RunSteps: Workload {
    public static let stepsPerRun = 10
    static let notes = JSONValue.string(String(repeating: "n", count: 2000))

    public let store: any StateStore
    public let tenant: TenantID
    public let prefix: String
    public let patches: Bool
    public let together: Bool

    public init(store: any StateStore, tenant: TenantID, prefix: String, patches: Bool, together: Bool = false) {
        self.store = store
        self.tenant = tenant
        self.prefix = prefix
        self.patches = patches
        self.together = together
    }

    public func once(client: Int, iteration: Int) async throws {
        let run = "\(prefix)-\(client)-\(iteration / Self.stepsPerRun)"
        let first = iteration % Self.stepsPerRun == 0
        if first {
            let workflow = "bench-\(prefix)-\(client)"
            _ = try await store.createRun(tenant, RunCreate(id: run, workflow: workflow))
            guard try await store.claim(tenant, ClaimRequest(worker: "w\(client)", workflow: workflow)) != nil else {
                throw AgentStateError(.conflict, "the bench run \(run) could not be claimed")
            }
        }
        let step = "s\(iteration % Self.stepsPerRun)"
        let write = StepWrite(status: .completed, result: ["ok": true, "n": .int(Int64(iteration))])
        // A patch carries only what changed since the run's last checkpoint: the cursor.
        let state: CheckpointState = patches && !first
            ? .patch(["cursor": .int(Int64(iteration))])
            : .full(["notes": Self.notes, "cursor": .int(Int64(iteration))])
        if together {
            _ = try await store.saveProgress(tenant, run, step: step, write, checkpoint: CheckpointWrite(state: state))
        } else {
            _ = try await store.putStep(tenant, run, step, write)
            _ = try await store.saveCheckpoint(tenant, run, CheckpointWrite(step: step, state: state))
        }
        _ = try await store.checkpoint(tenant, run, .latest)
    }
}
