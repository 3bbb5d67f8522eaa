import Foundation

/// A worker's hold on a run. `token` is the fencing token: it only grows, and a write carrying
/// an older one is refused.
public struct Lease: Sendable, Codable, Hashable {
    public var holder: String
    public var token: Int64
    public var expiresAt: Date

    public init(holder: String, token: Int64, expiresAt: Date) {
        self.holder = holder
        self.token = token
        self.expiresAt = expiresAt
    }
}

public struct ClaimRequest: Sendable, Codable, Hashable {
    /// Who is claiming (a worker id).
    public var worker: String
    public var leaseSeconds: Int
    /// Only runs of this workflow.
    public var workflow: String?

    public init(worker: String, leaseSeconds: Int = 60, workflow: String? = nil) {
        self.worker = worker
        self.leaseSeconds = leaseSeconds
        self.workflow = workflow
    }
}

/// A claimed run: resume it from `run.currentStep`, and pass `lease.token` with every write.
public struct ClaimedRun: Sendable, Codable, Hashable {
    public var run: Run
    public var lease: Lease
}

/// Absent fields take their defaults, so a client may leave them out.
extension ClaimRequest {
    enum CodingKeys: String, CodingKey { case worker, leaseSeconds, workflow }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(worker: try c.decode(String.self, forKey: .worker), leaseSeconds: try c.decodeIfPresent(Int.self, forKey: .leaseSeconds) ?? 60,
                  workflow: try c.decodeIfPresent(String.self, forKey: .workflow))
    }
}
