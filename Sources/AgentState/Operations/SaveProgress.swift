import Foundation

/// A worker's step and the checkpoint after it, written in one transaction: one commit where
/// `PutStep` and `SaveCheckpoint` take two, and never the step without its checkpoint or the
/// checkpoint without its step. The checkpoint is the step's (its `step` is the step's name)
/// and is fenced by the step's token unless it names its own.
public struct SaveProgress: RoutedOperation {
    public static let name = "saveProgress"
    public static let route = OperationRoute("POST", "/v1/runs/{id}/progress", .write, reach: .run(parameter: "id"))
    public var tenant: TenantID
    public var runId: String
    public var progress: ProgressBody

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Progress {
        try PutStep.validate(progress.name, progress.step)
        var checkpoint = try progress.checkpoint.write()
        if let other = checkpoint.step, other != progress.name {
            throw AgentStateError.invalidInput(field: "checkpoint.step", "is the step's own, '\(progress.name)', not '\(other)'")
        }
        checkpoint.step = progress.name
        checkpoint.fencingToken = checkpoint.fencingToken ?? progress.step.fencingToken
        return try await store.write { [tenant, runId, progress, checkpoint] tx in
            let step = try tx.putStep(tenant, runId, progress.name, progress.step)
            return Progress(step: step, checkpoint: try tx.saveCheckpoint(tenant, runId, checkpoint))
        }
    }
}

extension SaveProgress {
    public init(tenant: TenantID, request: RouteRequest<ProgressBody>) throws {
        self.init(tenant: tenant, runId: try request.parameter("id"), progress: try request.requiredBody())
    }

    public var request: RouteRequest<ProgressBody> { RouteRequest(parameters: ["id": runId], body: progress) }
}

/// A step's write and the checkpoint after it.
public struct ProgressBody: Sendable, Codable, Hashable {
    /// The step's name.
    public var name: String
    public var step: StepWrite
    public var checkpoint: CheckpointBody

    public init(name: String, step: StepWrite, checkpoint: CheckpointWrite) {
        self.name = name
        self.step = step
        self.checkpoint = CheckpointBody(checkpoint)
    }
}

/// A step and its checkpoint as written together.
public struct Progress: Sendable, Codable, Hashable {
    public var step: Step
    public var checkpoint: Checkpoint
}

extension StateStore {
    /// Writes a step and the checkpoint after it in one transaction (see `SaveProgress`).
    public func saveProgress(_ tenant: TenantID, _ runId: String, step name: String, _ write: StepWrite,
                             checkpoint: CheckpointWrite) async throws -> Progress {
        try await perform(SaveProgress(tenant: tenant, runId: runId, progress: ProgressBody(name: name, step: write, checkpoint: checkpoint)))
    }
}
