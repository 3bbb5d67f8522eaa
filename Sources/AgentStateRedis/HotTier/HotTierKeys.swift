import AgentState

/// Where the hot tier keeps a session: every key of one session shares the hash tag
/// `{tenant:session}`, so they sit in one cluster slot and one script can touch them all.
/// Identifiers hold only letters, digits, `_`, `.` and `-`, so the tag cannot be broken open.
struct HotTierKeys: Sendable {
    /// Counters and flags: `last` (newest seq), `flushed` (newest seq in the durable store),
    /// `status`, `system` (the system message's seq) and `system_entry` (the message itself,
    /// kept for windows that no longer reach it).
    let meta: String
    /// The newest messages, oldest first, as `seq<TAB>json` entries ending at `last`; it holds
    /// every message not yet flushed, and at most `cap` more once they are.
    let recent: String
    /// The same messages by time: a sorted set of their seqs (zero-padded, so that messages of
    /// one millisecond sort by seq) scored by creation time in milliseconds, for time-range reads.
    let times: String
    /// The tool calls asked for in the cached messages, by call id: `requestSeq<TAB>answerSeq`.
    let calls: String

    init(prefix: String, tenant: TenantID, session: String) {
        let tag = "\(prefix):{\(tenant):\(session)}"
        meta = tag + ":meta"
        recent = tag + ":recent"
        times = tag + ":times"
        calls = tag + ":calls"
    }

    /// The stream of sessions with appends to flush, shared by all sessions.
    static func outbox(prefix: String) -> String { prefix + ":outbox" }
}
