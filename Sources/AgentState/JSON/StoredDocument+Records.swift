import Foundation

extension StoredDocument {
    /// A session as a stored document, written by hand: the same bytes `JSONEncoder` writes (a
    /// test holds the two together). Every append rewrites the session row, and `JSONEncoder`
    /// made that the costliest part of a turn after the SQL itself.
    public static func encode(_ s: Session) throws -> String {
        var w = JSONWriter(capacity: 512)
        // Keys in sorted order, absent optionals left out, times in milliseconds: as `JSONEncoder.agentState`.
        w.raw("{")
        if let agentId = s.agentId { w.raw("\"agentId\":"); w.string(agentId); w.raw(",") }
        w.raw("\"context\":"); try w.value(s.context)
        w.raw(",\"createdAt\":"); w.int(s.createdAt.millisecondsSince1970)
        if let expiresAt = s.expiresAt { w.raw(",\"expiresAt\":"); w.int(expiresAt.millisecondsSince1970) }
        w.raw(",\"id\":"); w.string(s.id)
        w.raw(",\"lastActivityAt\":"); w.int(s.lastActivityAt.millisecondsSince1970)
        w.raw(",\"lastSeq\":"); w.int(s.lastSeq)
        w.raw(",\"metadata\":"); try w.value(s.metadata)
        w.raw(",\"schemaVersion\":"); w.int(s.schemaVersion)
        w.raw(",\"status\":"); w.string(s.status.rawValue)
        if let summary = s.summary {
            w.raw(",\"summary\":{\"createdAt\":"); w.int(summary.createdAt.millisecondsSince1970)
            w.raw(",\"text\":"); w.string(summary.text)
            w.raw(",\"throughSeq\":"); w.int(summary.throughSeq)
            w.raw(",\"tokens\":"); w.int(summary.tokens)
            w.raw("}")
        }
        if let systemSeq = s.systemSeq { w.raw(",\"systemSeq\":"); w.int(systemSeq) }
        w.raw(",\"tenantId\":"); w.string(s.tenantId)
        if let title = s.title { w.raw(",\"title\":"); w.string(title) }
        if let ttl = s.ttlSeconds { w.raw(",\"ttlSeconds\":"); w.int(ttl) }
        w.raw(",\"updatedAt\":"); w.int(s.updatedAt.millisecondsSince1970)
        if let userId = s.userId { w.raw(",\"userId\":"); w.string(userId) }
        w.raw(",\"version\":"); w.int(s.version)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

extension StoredDocument {
    /// An audit record as a stored document, written by hand like a session (a test holds it to
    /// `JSONEncoder`'s bytes): the server writes one for every request.
    public static func encode(_ r: AuditRecord) throws -> String {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"at\":"); w.int(r.at.millisecondsSince1970)
        w.raw(",\"id\":"); w.string(r.id)
        if let keyId = r.keyId { w.raw(",\"keyId\":"); w.string(keyId) }
        w.raw(",\"method\":"); w.string(r.method)
        w.raw(",\"path\":"); w.string(r.path)
        if let remote = r.remote { w.raw(",\"remote\":"); w.string(remote) }
        if let role = r.role { w.raw(",\"role\":"); w.string(role.rawValue) }
        w.raw(",\"route\":"); w.string(r.route)
        w.raw(",\"status\":"); w.int(r.status)
        w.raw(",\"tenantId\":"); w.string(r.tenantId)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

extension StoredDocument {
    /// An idempotency record as a stored document, written by hand like a session (a test holds
    /// it to `JSONEncoder`'s bytes): every idempotent write stores one, and keeps its answer in it.
    public static func encode(_ r: IdempotencyRecord) throws -> String {
        var w = JSONWriter(capacity: 256 + (r.body?.utf8.count ?? 0))
        w.raw("{")
        if let appliedAt = r.appliedAt { w.raw("\"appliedAt\":"); w.int(appliedAt.millisecondsSince1970); w.raw(",") }
        if let attempt = r.attempt { w.raw("\"attempt\":"); w.string(attempt); w.raw(",") }
        if let body = r.body { w.raw("\"body\":"); w.string(body); w.raw(",") }
        w.raw("\"createdAt\":"); w.int(r.createdAt.millisecondsSince1970)
        w.raw(",\"headers\":{")
        for (i, name) in r.headers.keys.sorted().enumerated() {
            if i > 0 { w.raw(",") }
            w.string(name)
            w.raw(":")
            w.string(r.headers[name]!)
        }
        w.raw("},\"key\":"); w.string(r.key)
        w.raw(",\"requestHash\":"); w.string(r.requestHash)
        if let reservedAt = r.reservedAt { w.raw(",\"reservedAt\":"); w.int(reservedAt.millisecondsSince1970) }
        if let status = r.status { w.raw(",\"status\":"); w.int(Int64(status)) }
        w.raw(",\"tenantId\":"); w.string(r.tenantId)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

extension StoredDocument {
    /// A JSON document (an event's data, a checkpoint's body) as stored, written by hand: the
    /// bytes `JSONEncoder` writes (a test holds the two together). A run's every step writes one.
    public static func encode(_ v: JSONValue) throws -> String {
        var w = JSONWriter(capacity: 256)
        try w.value(v)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// A run's newest checkpoint, whole, as stored: what every checkpoint save rewrites.
    public static func encode(_ c: Checkpoint) throws -> String {
        var w = JSONWriter(capacity: 512)
        w.raw("{\"createdAt\":"); w.int(c.createdAt.millisecondsSince1970)
        w.raw(",\"kind\":"); w.string(c.kind.rawValue)
        w.raw(",\"runId\":"); w.string(c.runId)
        w.raw(",\"seq\":"); w.int(c.seq)
        w.raw(",\"state\":"); try w.value(c.state)
        if let step = c.step { w.raw(",\"step\":"); w.string(step) }
        w.raw(",\"tenantId\":"); w.string(c.tenantId)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

extension StoredDocument {
    /// A run as a stored document, written by hand like a session (a test holds it to
    /// `JSONEncoder`'s bytes): every event of a run rewrites its row, a checkpoint save and a
    /// step among them, and `JSONEncoder` was the costliest part of a save after the SQL.
    public static func encode(_ r: Run) throws -> String {
        var w = JSONWriter(capacity: 512)
        w.raw("{\"createdAt\":"); w.int(r.createdAt.millisecondsSince1970)
        if let step = r.currentStep { w.raw(",\"currentStep\":"); w.string(step) }
        w.raw(",\"eventSeq\":"); w.int(r.eventSeq)
        w.raw(",\"fencingToken\":"); w.int(r.fencingToken)
        if let at = r.finishedAt { w.raw(",\"finishedAt\":"); w.int(at.millisecondsSince1970) }
        if let fork = r.forkedFrom {
            w.raw(",\"forkedFrom\":{\"eventSeq\":"); w.int(fork.eventSeq)
            w.raw(",\"runId\":"); w.string(fork.runId)
            w.raw("}")
        }
        w.raw(",\"id\":"); w.string(r.id)
        w.raw(",\"input\":"); try w.value(r.input)
        if let at = r.lastAttemptAt { w.raw(",\"lastAttemptAt\":"); w.int(at.millisecondsSince1970) }
        if let error = r.lastError {
            w.raw(",\"lastError\":{\"kind\":"); w.string(error.kind)
            w.raw(",\"message\":"); w.string(error.message)
            w.raw("}")
        }
        if let lease = r.lease {
            w.raw(",\"lease\":{\"expiresAt\":"); w.int(lease.expiresAt.millisecondsSince1970)
            w.raw(",\"holder\":"); w.string(lease.holder)
            w.raw(",\"token\":"); w.int(lease.token)
            w.raw("}")
        }
        w.raw(",\"metadata\":"); try w.value(r.metadata)
        if let model = r.model { w.raw(",\"model\":"); w.string(model) }
        if let output = r.output { w.raw(",\"output\":"); try w.value(output) }
        if let owner = r.owner { w.raw(",\"owner\":"); w.string(owner) }
        if let approval = r.pendingApprovalId { w.raw(",\"pendingApprovalId\":"); w.string(approval) }
        if let prompt = r.promptVersion { w.raw(",\"promptVersion\":"); w.string(prompt) }
        w.raw(",\"retryCount\":"); w.int(r.retryCount)
        w.raw(",\"schemaVersion\":"); w.int(r.schemaVersion)
        if let session = r.sessionId { w.raw(",\"sessionId\":"); w.string(session) }
        w.raw(",\"status\":"); w.string(r.status.rawValue)
        w.raw(",\"tenantId\":"); w.string(r.tenantId)
        w.raw(",\"updatedAt\":"); w.int(r.updatedAt.millisecondsSince1970)
        w.raw(",\"usage\":{\"modelRequestIds\":[")
        for (i, id) in r.usage.modelRequestIds.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(id)
        }
        w.raw("],\"retries\":"); w.int(r.usage.retries)
        w.raw(",\"tokensIn\":"); w.int(r.usage.tokensIn)
        w.raw(",\"tokensOut\":"); w.int(r.usage.tokensOut)
        w.raw(",\"toolCalls\":"); w.int(r.usage.toolCalls)
        w.raw(",\"wallTimeMs\":"); w.int(r.usage.wallTimeMs)
        w.raw("}")
        if let user = r.userId { w.raw(",\"userId\":"); w.string(user) }
        w.raw(",\"version\":"); w.int(r.version)
        if let reason = r.waitReason { w.raw(",\"waitReason\":"); w.string(reason) }
        if let until = r.waitUntil { w.raw(",\"waitUntil\":"); w.int(until.millisecondsSince1970) }
        w.raw(",\"workflow\":"); w.string(r.workflow)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
