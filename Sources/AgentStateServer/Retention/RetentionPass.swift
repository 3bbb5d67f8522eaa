import AgentState
import Foundation
import Logging
import ServiceLifecycle

/// What one tenant's retention pass did.
public struct RetentionReport: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var archived: Int
    public var removed: PurgeReport
    /// Where the records went, under the archive directory (`tenant/yyyy-mm-dd.jsonl.gz`).
    public var archive: String?
}

/// Moves finished records past their tenant's policy out of the store, a batch at a time: each
/// batch is appended to the archive (gzip JSON Lines, one record a line, synced to disk) and
/// only then removed, each batch in a transaction of its own so the store is never held long.
/// Nothing leaves the store unarchived; a crash between the two archives a batch twice.
public struct RetentionPass: Sendable {
    let store: any StateStore
    let directory: String
    var batch = 50

    public init(store: any StateStore, directory: String, batch: Int = 50) {
        self.store = store
        self.directory = directory
        self.batch = batch
    }

    /// `progress` hears how many records this pass has archived so far.
    public func run(_ tenant: TenantID, now: Date = Date(), progress: (Int) -> Void = { _ in }) async throws -> RetentionReport {
        var report = RetentionReport(tenantId: tenant, archived: 0, removed: PurgeReport(), archive: nil)
        while true {
            let records = try await store.expiredRecords(tenant, limit: batch)
            guard !records.isEmpty else { return report }
            var lines: [UInt8] = []
            for r in records {
                lines += try APICoding.encoder.encode(r)
                lines.append(UInt8(ascii: "\n"))
            }
            let file = try append(try Gzip.compress(lines), tenant: tenant, day: now)
            let removed = try await store.purge(tenant, records.map(\.key))
            report.archived += records.count
            progress(report.archived)
            report.archive = file
            report.removed.add(removed)
            if records.count < batch { return report }
        }
    }

    public func runAll(progress: (Int) -> Void = { _ in }) async throws -> [RetentionReport] {
        var reports: [RetentionReport] = []
        var before = 0
        for policy in try await store.retentionPolicies() where policy.sessionsDays != nil || policy.runsDays != nil {
            let report = try await run(policy.tenantId) { progress(before + $0) }
            before += report.archived
            reports.append(report)
        }
        return reports
    }

    /// Appends `bytes` to the tenant's archive of the day and syncs it; returns its relative path.
    private func append(_ bytes: [UInt8], tenant: TenantID, day: Date) throws -> String {
        let folder = (directory as NSString).appendingPathComponent(tenant)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let name = String(ISO8601DateFormatter().string(from: day).prefix(10)) + ".jsonl.gz"
        let path = (folder as NSString).appendingPathComponent(name)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw AgentStateError(.unavailable, "cannot open the retention archive \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw AgentStateError(.unavailable, "cannot write the retention archive \(path): \(String(cString: strerror(errno)))") }
            written += n
        }
        guard fsync(fd) == 0 else { throw AgentStateError(.unavailable, "cannot sync the retention archive \(path)") }
        return tenant + "/" + name
    }
}

extension PurgeReport {
    mutating func add(_ other: PurgeReport) {
        sessions += other.sessions
        messages += other.messages
        runs += other.runs
        steps += other.steps
        effects += other.effects
        approvals += other.approvals
        checkpoints += other.checkpoints
        events += other.events
    }
}

/// Runs retention passes for every tenant with a policy, every `interval`.
struct RetentionService: Service {
    let pass: RetentionPass
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for r in try await pass.runAll() where r.archived > 0 {
                        logger.info("retention archived and removed finished records",
                                    metadata: ["tenant": "\(r.tenantId)", "records": "\(r.archived)", "archive": "\(r.archive ?? "")"])
                    }
                } catch {
                    logger.warning("a retention pass failed; the next one tries again", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
