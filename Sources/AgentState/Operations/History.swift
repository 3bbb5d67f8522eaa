import Foundation

/// The path of a run's or a session's event stream (`run:<id>`, `session:<id>`) in the API.
func streamPath(_ stream: String) throws -> String {
    if stream.hasPrefix("run:") { return "/v1/runs/" + pathSegment(String(stream.dropFirst(4))) }
    if stream.hasPrefix("session:") { return "/v1/sessions/" + pathSegment(String(stream.dropFirst(8))) }
    throw AgentStateError.invalidInput(field: "stream", "must be run:<id> or session:<id>")
}

/// A run's or a session's events, after a seq, oldest first.
public struct ListEvents: StoreOperation {
    public static let name = "events"
    public var tenant: TenantID
    public var stream: String
    public var afterSeq: Int64
    public var limit: Int

    public func run<Store: TransactionalStore>(on store: Store) async throws -> [Event] {
        try Rules.checkLimit(limit)
        return try await store.read { [tenant, stream, afterSeq, limit] tx in
            try tx.requireStream(tenant, stream)
            return try tx.events(tenant, stream: stream, afterSeq: afterSeq, limit: limit)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> [Event] {
        let events: Items<Event> = try await transport.call(tenant, "GET", try streamPath(stream) + "/events",
                                                            query: ["after_seq": String(afterSeq), "limit": String(limit)], body: nil)
        return events.items
    }
}

/// An event of the agent's own on its run's chain.
public struct AppendEvent: StoreOperation {
    public static let name = "appendEvent"
    public var tenant: TenantID
    public var runId: String
    public var type: String
    public var data: JSONValue

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Event {
        try EventTypes.validateCustom(type)
        return try await store.write { [tenant, runId, type, data] tx in
            let run = try tx.requireRun(tenant, runId)
            let after = try tx.commitRun(from: run, to: run, event: type, data: ["data": data])
            return try tx.events(tenant, stream: EventStream.run(runId), afterSeq: after.eventSeq - 1, limit: 1)[0]
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Event {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/events", body: EventBody(type: type, data: data))
    }
}

/// Checks a stream's hash chain (and its signed head, when signing is on).
public struct VerifyChain: StoreOperation {
    public static let name = "verifyChain"
    public var tenant: TenantID
    public var stream: String

    public func run<Store: TransactionalStore>(on store: Store) async throws -> ChainVerification {
        try await store.read { [tenant, stream] tx in
            try tx.requireStream(tenant, stream)
            var previous: Event? = nil
            var count = 0
            while true {
                let batch = try tx.events(tenant, stream: stream, afterSeq: previous?.seq ?? 0, limit: 1000)
                if let bad = HashChain.firstBroken(batch, after: previous) {
                    return ChainVerification(stream: stream, valid: false, events: count + batch.count, firstInvalidSeq: bad, headHash: nil)
                }
                count += batch.count
                if let last = batch.last { previous = last }
                if batch.count < 1000 { break }
            }
            guard let signer = tx.chainSigner, let head = previous else {
                return ChainVerification(stream: stream, valid: true, events: count, firstInvalidSeq: nil, headHash: previous?.hash)
            }
            var signature = signer.check(head)
            // A run knows how far its stream reached; a chain cut back to an earlier signed head is caught by that.
            if signature == .valid, stream.hasPrefix("run:"), try tx.requireRun(tenant, String(stream.dropFirst(4))).eventSeq != head.seq {
                signature = .truncated
            }
            return ChainVerification(stream: stream, valid: signature == .valid, events: count, firstInvalidSeq: nil, headHash: head.hash,
                                     signature: signature)
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> ChainVerification {
        try await transport.call(tenant, "GET", try streamPath(stream) + "/verify")
    }
}

/// The run as it stood at an event seq or a time, replayed from its events.
public struct GetRunState: StoreOperation {
    public static let name = "runState"
    public var tenant: TenantID
    public var runId: String
    public var point: HistoryPoint

    public func run<Store: TransactionalStore>(on store: Store) async throws -> RunSnapshot {
        try await store.read { [tenant, runId, point] tx in try tx.replay(tenant, runId, at: point) }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> RunSnapshot {
        switch point {
        case .seq(let seq): try await transport.call(tenant, "GET", "/v1/runs/" + pathSegment(runId) + "/state", query: ["at_seq": String(seq)], body: nil)
        case .time(let t): try await transport.call(tenant, "GET", "/v1/runs/" + pathSegment(runId) + "/state", query: ["at_time": APICoding.format(t)], body: nil)
        }
    }
}

/// A new run from a past point of another: its steps as they stood, its completed effects kept done.
public struct ForkRun: StoreOperation {
    public static let name = "fork"
    public var tenant: TenantID
    public var runId: String
    public var point: HistoryPoint
    public var newId: String?

    public func run<Store: TransactionalStore>(on store: Store) async throws -> Run {
        try await store.write { [tenant, runId, point, newId] tx in
            let snap = try tx.replay(tenant, runId, at: point)
            let now = tx.now
            let id = try Identifier.make("run", supplied: newId, field: "new_id", at: now)
            if try tx.run(tenant, id) != nil { throw AgentStateError(.alreadyExists, "run '\(id)' already exists") }
            let past = snap.run
            let fresh = Run(
                tenantId: tenant, id: id, workflow: past.workflow, sessionId: past.sessionId, userId: past.userId,
                status: .created, currentStep: past.currentStep, owner: nil, retryCount: 0, lastError: nil, lastAttemptAt: nil,
                input: past.input, output: nil, promptVersion: past.promptVersion, model: past.model, usage: Usage(),
                lease: nil, fencingToken: 0, waitUntil: nil, waitReason: nil, pendingApprovalId: nil,
                forkedFrom: ForkOrigin(runId: runId, eventSeq: snap.atSeq), metadata: past.metadata, eventSeq: 0,
                version: 0, schemaVersion: Run.currentSchemaVersion, createdAt: now, updatedAt: now, finishedAt: nil)
            var run = try tx.commitRun(from: nil, to: fresh, event: "run.created")
            // Steps carry over as they stood; one caught mid-attempt starts again.
            for var step in snap.steps {
                step.runId = id
                if step.status == .running { step.status = .pending }
                try tx.saveStep(step)
                run = try tx.commitRun(from: run, to: run, event: "step.updated", data: ["step": try JSONValue(encoding: step)])
            }
            // A completed effect stays done in the fork: forking must not send the email twice.
            for var effect in snap.effects where effect.status == .completed {
                effect.runId = id
                try tx.saveEffect(effect)
                run = try tx.commitRun(from: run, to: run, event: "effect.completed", data: ["effect": try JSONValue(encoding: effect)])
            }
            if let c = snap.checkpoint {
                try tx.insertCheckpoint(CheckpointRecord(tenantId: tenant, runId: id, seq: 1, step: c.step, kind: .full, body: c.state, createdAt: now))
                try tx.saveCheckpointHead(Checkpoint(tenantId: tenant, runId: id, seq: 1, step: c.step, kind: .full, state: c.state, createdAt: now))
                run = try tx.commitRun(from: run, to: run, event: "checkpoint.saved", data: ["seq": 1, "kind": "full"])
            }
            return run
        }
    }

    public func send<Transport: OperationTransport>(through transport: Transport) async throws -> Run {
        try await transport.call(tenant, "POST", "/v1/runs/" + pathSegment(runId) + "/fork", body: ForkBody(at: point, newId: newId))
    }
}

extension StateStore {
    public func events(_ tenant: TenantID, stream: String, afterSeq: Int64, limit: Int) async throws -> [Event] {
        try await perform(ListEvents(tenant: tenant, stream: stream, afterSeq: afterSeq, limit: limit))
    }

    public func appendEvent(_ tenant: TenantID, runId: String, type: String, data: JSONValue) async throws -> Event {
        try await perform(AppendEvent(tenant: tenant, runId: runId, type: type, data: data))
    }

    public func verifyChain(_ tenant: TenantID, stream: String) async throws -> ChainVerification {
        try await perform(VerifyChain(tenant: tenant, stream: stream))
    }

    public func runState(_ tenant: TenantID, _ runId: String, at point: HistoryPoint) async throws -> RunSnapshot {
        try await perform(GetRunState(tenant: tenant, runId: runId, point: point))
    }

    public func fork(_ tenant: TenantID, _ runId: String, at point: HistoryPoint, newId: String?) async throws -> Run {
        try await perform(ForkRun(tenant: tenant, runId: runId, point: point, newId: newId))
    }
}
