/// The run state machine (DESIGN.md §3). Every backend moves runs through `RunStatus.check`;
/// nothing else decides what may follow what.
public enum RunStatus: String, Sendable, Codable, Hashable, CaseIterable {
    case created
    case running
    case waitingForApproval = "waiting_for_approval"
    case waiting
    case completed
    case failed
    case cancelled

    /// The chart. Beyond the drawing: a waiting run can be cancelled or failed (an approval that
    /// expires under the `fail` policy fails its run).
    public var allowedNext: Set<RunStatus> {
        switch self {
        case .created: [.running, .cancelled]
        case .running: [.completed, .failed, .cancelled, .waitingForApproval, .waiting]
        case .waitingForApproval: [.running, .failed, .cancelled]
        case .waiting: [.running, .failed, .cancelled]
        case .failed: [.running]
        case .completed, .cancelled: []
        }
    }

    public var isTerminal: Bool { self == .completed || self == .cancelled }

    public func canMove(to next: RunStatus) -> Bool { allowedNext.contains(next) }

    /// Throws `invalidTransition` naming the current status when the chart has no such arrow.
    public func check(to next: RunStatus) throws {
        guard canMove(to: next) else {
            throw AgentStateError(
                .invalidTransition, "a run in status '\(rawValue)' cannot move to '\(next.rawValue)'",
                current: rawValue)
        }
    }
}
