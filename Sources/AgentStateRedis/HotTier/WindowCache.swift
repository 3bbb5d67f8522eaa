import AgentState
import Synchronization

/// The windows this process last read or extended, by session, so that a context read whose
/// session Redis reports unchanged (same hydration, same last seq) is answered without moving
/// and decoding its turns again: a turn then costs what changed, not the window's size.
///
/// Bounded: at most `sessions` sessions of at most `turns` newest messages each; past that, an
/// arbitrary session is forgotten (it is only a cache of a cache).
final class WindowCache: Sendable {
    let sessions: Int
    let turns: Int
    private let entries = Mutex<[String: RedisHotTier.Window]>([:])

    init(sessions: Int = 2048, turns: Int = 64) {
        self.sessions = sessions
        self.turns = turns
    }

    static func key(_ tenant: TenantID, _ session: String) -> String { tenant + "\n" + session }

    /// The window held for `key`, if it can answer a read of the newest `n`.
    func held(_ key: String, serving n: Int) -> RedisHotTier.Window? {
        entries.withLock { $0[key] }.flatMap { Self.recent($0, n) == nil ? nil : $0 }
    }

    func store(_ key: String, _ window: RedisHotTier.Window) {
        var w = window
        if w.messages.count > turns { w.messages.removeFirst(w.messages.count - turns) }
        entries.withLock { d in
            if d[key] == nil, d.count >= sessions { d.remove(at: d.startIndex) }
            d[key] = w
        }
    }

    /// Adds what this process just appended, if the window held is the one it continues;
    /// otherwise forgets the session.
    func extend(_ key: String, generation: String, with appended: [Message]) {
        entries.withLock { d in
            guard var w = d[key], let first = appended.first else { return }
            guard w.generation == generation, w.lastSeq == first.seq - 1 else {
                d[key] = nil
                return
            }
            if w.systemSeq == nil, let system = appended.first(where: { $0.role == .system }) {
                w.systemSeq = system.seq
                w.system = system
            }
            w.messages += appended
            if w.messages.count > turns { w.messages.removeFirst(w.messages.count - turns) }
            w.lastSeq = appended[appended.count - 1].seq
            d[key] = w
        }
    }

    func drop(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// The newest `n` messages of a cached window as a context read, or nil when the window does
    /// not reach far enough back (nor to the summary) or lacks the pinned system message.
    static func recent(_ w: RedisHotTier.Window, _ n: Int) -> MessageWindow? {
        let floor = w.summary?.throughSeq ?? 0
        let fresh = w.messages.filter { $0.seq > floor }
        let reachesFloor = (w.messages.first?.seq ?? (w.lastSeq + 1)) <= floor + 1
        guard fresh.count >= n || reachesFloor else { return nil }
        if let systemSeq = w.systemSeq, w.system?.seq != systemSeq { return nil }
        return ContextWindow.recent(Array(fresh.suffix(n)), summary: w.summary, lastSeq: w.lastSeq, systemSeq: w.systemSeq) { _ in w.system }
    }
}
