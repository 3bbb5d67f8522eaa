import Foundation

extension Session {
    /// Activity pushes the inactivity deadline out again.
    mutating func refreshExpiry(at now: Date) {
        lastActivityAt = now
        if status == .active, let ttl = ttlSeconds { expiresAt = now.adding(seconds: TimeInterval(ttl)) }
    }

    /// Reads refresh the deadline too, but only once it has slipped noticeably, so a busy reader
    /// does not turn every read into a write.
    func expiryIsStale(at now: Date) -> Bool {
        guard status == .active, let ttl = ttlSeconds, let expiresAt else { return false }
        let slack = min(60, Double(ttl) / 10)
        return expiresAt < now.adding(seconds: TimeInterval(ttl)) - slack
    }
}
