/// Rebuilds a run from its events. Run events carry the run whole (`snapshot`, at creation) or
/// as a merge patch (`run`), plus the step, effect or approval record they changed. Every
/// `stateInterval`-th event also carries the whole state (`state`), so a replay starts from the
/// nearest one instead of from the first event.
public struct RunReplay: Sendable {
    /// Events between whole-state copies in a run's stream.
    public static let stateInterval: Int64 = 64

    public private(set) var run: JSONValue = .null
    public private(set) var steps: [String: Step] = [:]
    public private(set) var effects: [String: Effect] = [:]
    public private(set) var approvals: [String: Approval] = [:]
    public private(set) var checkpointSeq: Int64?
    public private(set) var atSeq: Int64 = 0

    public init() {}

    public mutating func apply(_ e: Event) throws {
        if let state = e.data["state"] {
            // The whole state after this event: it replaces everything before.
            run = state["run"] ?? .null
            steps = Dictionary(uniqueKeysWithValues: try (state["steps"] ?? []).decode([Step].self).map { ($0.name, $0) })
            effects = Dictionary(uniqueKeysWithValues: try (state["effects"] ?? []).decode([Effect].self).map { ($0.key, $0) })
            approvals = Dictionary(uniqueKeysWithValues: try (state["approvals"] ?? []).decode([Approval].self).map { ($0.id, $0) })
            if case .int(let seq)? = state["checkpoint_seq"] { checkpointSeq = seq } else { checkpointSeq = nil }
            atSeq = e.seq
            return
        }
        if let snapshot = e.data["snapshot"] {
            run = snapshot
        } else if let patch = e.data["run"] {
            run = run.merging(patch: patch)
        }
        if let s = e.data["step"] {
            let step = try s.decode(Step.self)
            steps[step.name] = step
        }
        if let x = e.data["effect"] {
            let effect = try x.decode(Effect.self)
            effects[effect.key] = effect
        }
        if let a = e.data["approval"] {
            let approval = try a.decode(Approval.self)
            approvals[approval.id] = approval
        }
        if e.type == "checkpoint.saved", case .int(let seq)? = e.data["seq"] { checkpointSeq = seq }
        atSeq = e.seq
    }

    public func snapshot(checkpoint: Checkpoint?) throws -> RunSnapshot {
        RunSnapshot(
            run: try run.decode(Run.self),
            steps: steps.values.sorted { $0.index < $1.index },
            effects: effects.values.sorted { $0.key < $1.key },
            approvals: approvals.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) },
            checkpoint: checkpoint, atSeq: atSeq)
    }
}
