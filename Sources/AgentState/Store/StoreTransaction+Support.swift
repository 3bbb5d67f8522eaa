import Foundation

/// Shared pieces of the operations: loading with tenant-blind "not found", the event log, fencing.
extension StoreTransaction {
    func requireSession(_ tenant: TenantID, _ id: String) throws -> Session {
        guard let s = try session(tenant, id) else { throw AgentStateError.notFound("session", id) }
        return s
    }

    func requireRun(_ tenant: TenantID, _ id: String) throws -> Run {
        guard let r = try run(tenant, id) else { throw AgentStateError.notFound("run", id) }
        return r
    }

    /// Appends one event to a stream, linked to the stream's previous event.
    @discardableResult
    func appendEvent(_ tenant: TenantID, stream: String, type: String, data: JSONValue) throws -> Event {
        let last = try streamHead(tenant, stream: stream)
        let seq = (last?.seq ?? 0) + 1
        let prev = last?.hash ?? HashChain.genesis
        let at = now
        let hash = HashChain.hash(tenant: tenant, stream: stream, seq: seq, type: type, at: at, data: data, prevHash: prev)
        var event = Event(tenantId: tenant, stream: stream, seq: seq, type: type, data: data, at: at, prevHash: prev, hash: hash)
        if let signer = chainSigner { event.signature = signer.sign(event) }
        try insertEvent(event)
        return event
    }

    /// Saves a changed run together with the event that says what changed. The event carries
    /// the run as a merge patch against `old` (or whole, for a new run), so replaying the log
    /// rebuilds the run at any point.
    @discardableResult
    func commitRun(from old: Run?, to new: Run, event type: String, data: [String: JSONValue] = [:]) throws -> Run {
        var run = new
        run.version = (old?.version ?? 0) + 1
        run.updatedAt = now
        // Every event of a run's stream is written here, so the run knows its stream's head.
        run.eventSeq = (old?.eventSeq ?? 0) + 1
        var payload = data
        let newJSON = run.apiValue
        if let old {
            payload["run"] = JSONValue.mergePatch(from: old.apiValue, to: newJSON) ?? .emptyObject
            try updateRun(run)
        } else {
            payload["snapshot"] = newJSON
            try insertRun(run)
        }
        if run.eventSeq % RunReplay.stateInterval == 0 {
            // Steps, effects and approvals are saved before their event, so this is the state after it.
            var state: [String: JSONValue] = [
                "run": newJSON,
                "steps": try JSONValue(encoding: try steps(run.tenantId, run.id)),
                "effects": try JSONValue(encoding: try effects(run.tenantId, run.id)),
                "approvals": try JSONValue(encoding: try approvals(run.tenantId, ApprovalFilter(runId: run.id), after: nil, limit: 10_000)),
            ]
            if let seq = try checkpointHead(run.tenantId, run.id)?.seq { state["checkpoint_seq"] = .int(seq) }
            payload["state"] = .object(state)
        }
        let event = try appendEvent(run.tenantId, stream: EventStream.run(run.id), type: type, data: .object(payload))
        guard event.seq == run.eventSeq else {
            throw AgentStateError(.conflict, "run '\(run.id)' is at event \(run.eventSeq - 1) but its stream at \(event.seq - 1)")
        }
        return run
    }

    func recordSessionEvent(_ session: Session, _ type: String, _ data: [String: JSONValue] = [:]) throws {
        try appendEvent(session.tenantId, stream: EventStream.session(session.id), type: type, data: .object(data))
    }
}

/// Checks shared by several operations.
enum Rules {
    /// The most tokens one message or summary may say it holds: sums over a window then stay
    /// far from overflowing.
    static let maxTokens = 1_000_000_000

    /// A write carrying a fencing token is accepted only from the current lease holder.
    static func checkFence(_ run: Run, _ token: Int64?) throws {
        guard let token else { return }
        guard let lease = run.lease, lease.token == token else {
            throw AgentStateError.leaseLost(
                "fencing token \(token) of run '\(run.id)' is stale; the latest issued is \(run.fencingToken)"
                    + (run.lease == nil ? " and the run is not leased" : ""))
        }
    }

    static func checkVersion(_ kind: String, expected: Int64?, current: Int64) throws {
        if let expected, expected != current {
            throw AgentStateError.versionConflict(kind, expected: expected, current: current)
        }
    }

    static func checkLimit(_ limit: Int, field: String = "limit", max: Int = 1000) throws {
        guard (1...max).contains(limit) else {
            throw AgentStateError.invalidInput(field: field, "must be between 1 and \(max)")
        }
    }

    static func checkSeconds(_ seconds: Int?, field: String, max: Int = 366 * 86400) throws {
        if let seconds, !(1...max).contains(seconds) {
            throw AgentStateError.invalidInput(field: field, "must be between 1 and \(max) seconds")
        }
    }

    static func checkObject(_ value: JSONValue?, field: String) throws {
        if let value, value.objectValue == nil {
            throw AgentStateError.invalidInput(field: field, "must be a JSON object")
        }
    }

    static func checkText(_ text: String?, field: String, max: Int) throws {
        if let text, text.utf8.count > max {
            throw AgentStateError.invalidInput(field: field, "must be at most \(max) bytes")
        }
    }

    /// Builds a page from `limit + 1` rows: the extra row only says there is more.
    static func page<T>(_ rows: [T], limit: Int, cursor: (T) -> PageCursor) -> Page<T> {
        if rows.count > limit {
            let items = Array(rows.prefix(limit))
            return Page(items: items, nextCursor: cursor(items[items.count - 1]).token)
        }
        return Page(items: rows, nextCursor: nil)
    }
}
