/// What to do with a value that looks like a credential (see `SecretScanner`).
public enum SecretPolicy: String, Sendable, CaseIterable, Codable {
    /// Store it with each secret replaced by `[REDACTED:kind]`, and say so beside it.
    case redact
    /// Refuse the write (`invalidInput`, naming the field and the kind, never the value).
    case reject
    /// Store it as given.
    case off
}

/// A store that keeps credentials out of what agents write: message text, tool-call arguments
/// and metadata, run input, step input and results, checkpoints, run events, session context
/// and memory. It wraps any store, the tiered one included, so every backend gets the same
/// rules.
///
/// A redaction shows where it happened: the marker stands in the value, a message gains
/// `metadata["agentstate.redacted"]` with the kinds, and a run gets a `secrets.redacted` event
/// naming the operation, the field and the kinds (never the value).
public struct SecretGuard: ForwardingStore {
    public let base: any StateStore
    public let policy: SecretPolicy
    /// Hears of every secret found, with the policy applied (for metrics).
    let onFinding: @Sendable (_ kind: String, _ policy: SecretPolicy) -> Void

    public init(_ base: any StateStore, policy: SecretPolicy, onFinding: @escaping @Sendable (String, SecretPolicy) -> Void = { _, _ in }) {
        self.base = base
        self.policy = policy
        self.onFinding = onFinding
    }

    /// Redacts or refuses `text` by the policy; `field` names it in a refusal.
    func clean(_ text: String, field: String, into kinds: inout [String]) throws -> String {
        guard policy != .off else { return text }
        let (redacted, found) = SecretScanner.redact(text)
        guard !found.isEmpty else { return text }
        for kind in found { onFinding(kind, policy) }
        if policy == .reject {
            throw AgentStateError.invalidInput(field: field, "looks like a credential (\(found[0])); this server refuses secrets in stored values")
        }
        kinds += found
        return redacted
    }

    /// Every string in `value`, cleaned; object keys are left as they are.
    func clean(_ value: JSONValue, field: String, into kinds: inout [String]) throws -> JSONValue {
        switch value {
        case .string(let s): return .string(try clean(s, field: field, into: &kinds))
        case .array(let items):
            return .array(try items.enumerated().map { i, v in try clean(v, field: "\(field)[\(i)]", into: &kinds) })
        case .object(let o):
            var out: [String: JSONValue] = [:]
            for (k, v) in o { out[k] = try clean(v, field: "\(field).\(k)", into: &kinds) }
            return .object(out)
        default: return value
        }
    }

    /// Records a run's redactions in its event stream. The write itself has committed and holds
    /// the markers; a failure here loses only this note.
    func note(_ tenant: TenantID, runId: String, operation: String, field: String, kinds: [String]) async {
        guard !kinds.isEmpty else { return }
        _ = try? await base.appendEvent(tenant, runId: runId, type: "secrets.redacted", data: [
            "operation": .string(operation), "field": .string(field), "kinds": .array(Array(Set(kinds)).sorted().map(JSONValue.string)),
        ])
    }

    // MARK: Conversations

    /// The operations declared as values: the ones that carry what agents say are screened,
    /// the others pass.
    public func perform<Operation: StoreOperation>(_ operation: Operation) async throws -> Operation.Output {
        let output: Any
        switch operation {
        case let append as AppendMessages: output = try await screened(append)
        case let put as PutMemory: output = try await screened(put)
        case let create as CreateSession: output = try await screened(create)
        case let patch as PatchContext: output = try await screened(patch)
        case let create as CreateRun: output = try await screened(create)
        case let put as PutStep: output = try await screened(put)
        case let save as SaveCheckpoint: output = try await screened(save)
        case let append as AppendEvent: output = try await screened(append)
        default: return try await base.perform(operation)
        }
        return output as! Operation.Output
    }

    private func screened(_ append: AppendMessages) async throws -> [Message] {
        let (tenant, sessionId, messages, expectedLastSeq) = (append.tenant, append.sessionId, append.messages, append.expectedLastSeq)
        guard policy != .off else { return try await base.perform(append) }
        var cleaned = messages
        for (i, m) in messages.enumerated() {
            var kinds: [String] = []
            cleaned[i].content = try clean(m.content, field: "messages[\(i)].content", into: &kinds)
            if let calls = m.toolCalls {
                cleaned[i].toolCalls = try calls.enumerated().map { j, call in
                    var c = call
                    c.arguments = try clean(call.arguments, field: "messages[\(i)].tool_calls[\(j)].arguments", into: &kinds)
                    return c
                }
            }
            if let metadata = m.metadata { cleaned[i].metadata = try clean(metadata, field: "messages[\(i)].metadata", into: &kinds) }
            if !kinds.isEmpty {
                var metadata = cleaned[i].metadata?.objectValue ?? [:]
                metadata["agentstate.redacted"] = .array(Array(Set(kinds)).sorted().map(JSONValue.string))
                cleaned[i].metadata = .object(metadata)
            }
        }
        return try await base.appendMessages(tenant, sessionId, cleaned, expectedLastSeq: expectedLastSeq)
    }

    private func screened(_ create: CreateSession) async throws -> Session {
        let tenant = create.tenant
        var r = create.request
        var kinds: [String] = []
        if let context = r.context { r.context = try clean(context, field: "context", into: &kinds) }
        if let metadata = r.metadata { r.metadata = try clean(metadata, field: "metadata", into: &kinds) }
        return try await base.createSession(tenant, r)
    }

    private func screened(_ patch: PatchContext) async throws -> Session {
        var cleaned = patch
        var kinds: [String] = []
        cleaned.patch = try clean(patch.patch, field: "context", into: &kinds)
        return try await base.perform(cleaned)
    }

    // MARK: Runs

    private func screened(_ create: CreateRun) async throws -> Run {
        let tenant = create.tenant
        var r = create.request
        var kinds: [String] = []
        r.input = try clean(r.input, field: "input", into: &kinds)
        if let metadata = r.metadata { r.metadata = try clean(metadata, field: "metadata", into: &kinds) }
        let run = try await base.createRun(tenant, r)
        await note(tenant, runId: run.id, operation: "create_run", field: "input", kinds: kinds)
        return run
    }

    private func screened(_ put: PutStep) async throws -> Step {
        let (tenant, runId, name) = (put.tenant, put.runId, put.name)
        var w = put.write
        var kinds: [String] = []
        if let input = w.input { w.input = try clean(input, field: "input", into: &kinds) }
        if let result = w.result { w.result = try clean(result, field: "result", into: &kinds) }
        let step = try await base.perform(PutStep(tenant: tenant, runId: runId, name: name, write: w))
        await note(tenant, runId: runId, operation: "put_step", field: "steps.\(name)", kinds: kinds)
        return step
    }

    private func screened(_ save: SaveCheckpoint) async throws -> Checkpoint {
        let (tenant, runId) = (save.tenant, save.runId)
        var w = save.write
        var kinds: [String] = []
        switch w.state {
        case .full(let v): w.state = .full(try clean(v, field: "state", into: &kinds))
        case .patch(let v): w.state = .patch(try clean(v, field: "patch", into: &kinds))
        }
        let checkpoint = try await base.saveCheckpoint(tenant, runId, w)
        await note(tenant, runId: runId, operation: "save_checkpoint", field: "state", kinds: kinds)
        return checkpoint
    }

    private func screened(_ append: AppendEvent) async throws -> Event {
        let (tenant, runId, type) = (append.tenant, append.runId, append.type)
        var kinds: [String] = []
        let event = try await base.appendEvent(tenant, runId: runId, type: type, data: try clean(append.data, field: "data", into: &kinds))
        await note(tenant, runId: runId, operation: "append_event", field: "data", kinds: kinds)
        return event
    }

    // MARK: Memory

    private func screened(_ put: PutMemory) async throws -> MemoryItem {
        let (tenant, key) = (put.tenant, put.key)
        var w = put.write
        var kinds: [String] = []
        w.value = try clean(w.value, field: "value", into: &kinds)
        if let text = w.text { w.text = try clean(text, field: "text", into: &kinds) }
        return try await base.putMemory(tenant, key, w)
    }
}
