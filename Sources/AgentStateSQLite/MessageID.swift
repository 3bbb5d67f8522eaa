/// A stored message's rowid: its session's key (`sessions.skey`) in the high 32 bits and its seq
/// in the low, so one session's messages are one range of the table, in order.
enum MessageID {
    static let maxSeq: Int64 = (1 << 32) - 1

    static func of(_ key: Int64, _ seq: Int64) -> Int64 { key << 32 | seq }

    static func seq(_ id: Int64) -> Int64 { id & maxSeq }

    /// The ids of the session's messages with a seq above `after` and below `before`; nil when
    /// there can be none.
    static func range(_ key: Int64, after: Int64, before: Int64) -> ClosedRange<Int64>? {
        let low = after < 0 ? 0 : after >= maxSeq ? maxSeq + 1 : after + 1
        let high = before > maxSeq ? maxSeq : before <= 0 ? -1 : before - 1
        guard low <= high else { return nil }
        return of(key, low)...of(key, high)
    }
}
