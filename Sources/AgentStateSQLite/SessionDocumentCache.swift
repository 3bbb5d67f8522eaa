import AgentState
import Synchronization

/// Sessions already decoded, by the exact text stored for them. A turn reads its session twice
/// (to append, then for the window), and decoding the JSON document each time cost about a
/// tenth of the turn. An entry is used only when the stored text is the same, whole, so it can
/// never stand for another version of the session, and a write by another process is a miss.
final class SessionDocumentCache: Sendable {
    private struct Key: Hashable {
        let tenant: TenantID
        let id: String
    }

    private struct Entry {
        let stored: String
        let session: Session
    }

    private let entries = Mutex<[Key: Entry]>([:])
    /// Past this many sessions the cache starts over: simpler than an LRU, and a store whose
    /// turns spread over more sessions than this misses either way.
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The session stored as `stored`, decoded by `decode` unless it was decoded before.
    func session(_ tenant: TenantID, _ id: String, stored: String, decode: (String) throws -> Session) throws -> Session {
        let key = Key(tenant: tenant, id: id)
        if let entry = entries.withLock({ $0[key] }), entry.stored == stored { return entry.session }
        let session = try decode(stored)
        remember(key, Entry(stored: stored, session: session))
        return session
    }

    /// Notes the text just written for `session`, so that the next read of it is not a decode.
    /// The write's transaction may yet roll back; the entry then matches no stored text.
    func wrote(_ session: Session, stored: String) {
        remember(Key(tenant: session.tenantId, id: session.id), Entry(stored: stored, session: session))
    }

    private func remember(_ key: Key, _ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }
}
