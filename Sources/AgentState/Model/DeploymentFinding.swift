/// One thing `agentstate doctor` checked in a deployment: what it found and, when it is not
/// right, what to change.
public struct DeploymentFinding: Sendable, Codable, Equatable {
    public enum Level: String, Sendable, Codable, Comparable {
        case ok, warning, failure

        private var rank: Int { self == .ok ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    /// What was checked: `sqlite ./agentstate.sqlite`, `postgres 10.0.0.5:5432`, `redis 10.0.0.6:6379`.
    public var component: String
    /// The setting or property: `maxmemory-policy`, `synchronous_commit`, `permissions`.
    public var check: String
    public var level: Level
    /// What was found.
    public var detail: String
    /// What to do about it; nil when nothing needs doing.
    public var advice: String?

    public init(_ component: String, _ check: String, _ level: Level, _ detail: String, advice: String? = nil) {
        self.component = component
        self.check = check
        self.level = level
        self.detail = detail
        self.advice = advice
    }
}
