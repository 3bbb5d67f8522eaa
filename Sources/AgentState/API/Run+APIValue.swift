import Foundation

extension Run {
    /// The run in the API's form as a `JSONValue`, built by hand: what `JSONValue(encoding:)`
    /// gives (a test holds the two together). Every event of a run diffs the run before and
    /// after it, and the generic encoder, twice per event, cost a checkpoint save more than its
    /// event.
    public var apiValue: JSONValue {
        var o: [String: JSONValue] = [
            "created_at": .string(APICoding.format(createdAt)),
            "event_seq": .int(eventSeq),
            "fencing_token": .int(fencingToken),
            "id": .string(id),
            "input": input,
            "metadata": metadata,
            "retry_count": .int(Int64(retryCount)),
            "schema_version": .int(Int64(schemaVersion)),
            "status": .string(status.rawValue),
            "tenant_id": .string(tenantId),
            "updated_at": .string(APICoding.format(updatedAt)),
            "usage": [
                "model_request_ids": .array(usage.modelRequestIds.map { .string($0) }),
                "retries": .int(usage.retries),
                "tokens_in": .int(usage.tokensIn),
                "tokens_out": .int(usage.tokensOut),
                "tool_calls": .int(usage.toolCalls),
                "wall_time_ms": .int(usage.wallTimeMs),
            ],
            "version": .int(version),
            "workflow": .string(workflow),
        ]
        if let currentStep { o["current_step"] = .string(currentStep) }
        if let finishedAt { o["finished_at"] = .string(APICoding.format(finishedAt)) }
        if let forkedFrom { o["forked_from"] = ["event_seq": .int(forkedFrom.eventSeq), "run_id": .string(forkedFrom.runId)] }
        if let lastAttemptAt { o["last_attempt_at"] = .string(APICoding.format(lastAttemptAt)) }
        if let lastError { o["last_error"] = ["kind": .string(lastError.kind), "message": .string(lastError.message)] }
        if let lease {
            o["lease"] = ["expires_at": .string(APICoding.format(lease.expiresAt)), "holder": .string(lease.holder), "token": .int(lease.token)]
        }
        if let model { o["model"] = .string(model) }
        if let output { o["output"] = output }
        if let owner { o["owner"] = .string(owner) }
        if let pendingApprovalId { o["pending_approval_id"] = .string(pendingApprovalId) }
        if let promptVersion { o["prompt_version"] = .string(promptVersion) }
        if let sessionId { o["session_id"] = .string(sessionId) }
        if let userId { o["user_id"] = .string(userId) }
        if let waitReason { o["wait_reason"] = .string(waitReason) }
        if let waitUntil { o["wait_until"] = .string(APICoding.format(waitUntil)) }
        return .object(o)
    }
}
