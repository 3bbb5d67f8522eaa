/// Every failure an operation reports. The server maps each code to one HTTP status in one place.
public struct AgentStateError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, Codable, CustomStringConvertible {
        private enum Base: String, Sendable, Codable {
            case notFound = "not_found", alreadyExists = "already_exists", versionConflict = "version_conflict"
            case invalidTransition = "invalid_transition", conflict, invalidInput = "invalid_input", leaseLost = "lease_lost", unavailable
            case unauthorized, forbidden, unsupported
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public init(from decoder: any Decoder) throws {
            base = try decoder.singleValueContainer().decode(Base.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(base)
        }

        /// The record does not exist, or belongs to another tenant (the two look the same).
        public static let notFound = Code(.notFound)
        /// A record with this id already exists.
        public static let alreadyExists = Code(.alreadyExists)
        /// The caller's expected version (or last seq) is not the current one.
        public static let versionConflict = Code(.versionConflict)
        /// The run's state machine does not allow this move from its current status.
        public static let invalidTransition = Code(.invalidTransition)
        /// The record is in a state that does not allow the operation.
        public static let conflict = Code(.conflict)
        /// The input is malformed; `field` names what.
        public static let invalidInput = Code(.invalidInput)
        /// The caller's lease or fencing token is no longer the current one.
        public static let leaseLost = Code(.leaseLost)
        /// The store cannot be reached now; retrying later may succeed.
        public static let unavailable = Code(.unavailable)
        /// The caller has no valid credential (from a server).
        public static let unauthorized = Code(.unauthorized)
        /// The caller's credential does not allow this (from a server).
        public static let forbidden = Code(.forbidden)
        /// This store cannot do this operation (a remote store cannot reach server internals).
        public static let unsupported = Code(.unsupported)

        /// The code a server sent in a problem document; `nil` for one this version does not know.
        public init?(code: String) {
            guard let base = Base(rawValue: code) else { return nil }
            self.base = base
        }

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The input field at fault, for `invalidInput`.
    public var field: String?
    /// What the record is now, for conflicts: its current version or status.
    public var current: String?

    public init(_ code: Code, _ message: String, field: String? = nil, current: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.current = current
    }

    public var description: String {
        var s = "\(code): \(message)"
        if let field { s += " (field: \(field))" }
        return s
    }

    public static func notFound(_ kind: String, _ id: String) -> Self {
        .init(.notFound, "\(kind) '\(id)' not found")
    }

    public static func invalidInput(field: String, _ message: String) -> Self {
        .init(.invalidInput, "\(field) \(message)", field: field)
    }

    public static func versionConflict(_ kind: String, expected: Int64, current: Int64) -> Self {
        .init(.versionConflict, "\(kind) is at version \(current), not \(expected)", current: String(current))
    }

    public static func leaseLost(_ message: String) -> Self {
        .init(.leaseLost, message)
    }
}
