/// The rows of an in-memory store. A class, so a transaction can change them in place and
/// keep an undo list.
final class InMemoryTables {
    struct Key: Hashable {
        var tenant: TenantID
        var id: String
        init(_ tenant: TenantID, _ id: String) {
            self.tenant = tenant
            self.id = id
        }
    }

    struct MemoryRowKey: Hashable {
        var tenant: TenantID
        var key: MemoryKey
    }

    var sessions: [Key: Session] = [:]
    /// By session; index `seq - 1`.
    var messages: [Key: [Message]] = [:]
    var runs: [Key: Run] = [:]
    var steps: [Key: [String: Step]] = [:]
    var effects: [Key: [String: Effect]] = [:]
    var approvals: [Key: Approval] = [:]
    var timers: [Key: RunTimer] = [:]
    var checkpoints: [Key: [CheckpointRecord]] = [:]
    var checkpointHeads: [Key: Checkpoint] = [:]
    /// By `(tenant, stream)`; index `seq - 1`.
    var events: [Key: [Event]] = [:]
    var memory: [MemoryRowKey: MemoryItem] = [:]
    var apiKeys: [String: APIKey] = [:]
    var idempotency: [Key: IdempotencyRecord] = [:]
    /// By `(tenant, record id)`.
    var audit: [Key: AuditRecord] = [:]
    var retention: [TenantID: RetentionPolicy] = [:]
}
