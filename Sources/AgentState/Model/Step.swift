import Foundation

public enum StepStatus: String, Sendable, Codable, Hashable, CaseIterable {
    case pending, running, completed, failed, skipped

    var isFinal: Bool { self == .completed || self == .skipped }
}

/// A named step of a run, in the order it was first written.
public struct Step: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var runId: String
    public var name: String
    public var index: Int
    public var status: StepStatus
    public var input: JSONValue?
    public var result: JSONValue?
    public var error: ErrorInfo?
    public var attempts: Int
    public var startedAt: Date?
    public var finishedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
}

public struct StepWrite: Sendable, Codable, Hashable {
    public var status: StepStatus
    public var input: JSONValue?
    public var result: JSONValue?
    public var error: ErrorInfo?
    public var fencingToken: Int64?

    public init(status: StepStatus, input: JSONValue? = nil, result: JSONValue? = nil, error: ErrorInfo? = nil,
                fencingToken: Int64? = nil) {
        self.status = status
        self.input = input
        self.result = result
        self.error = error
        self.fencingToken = fencingToken
    }
}
