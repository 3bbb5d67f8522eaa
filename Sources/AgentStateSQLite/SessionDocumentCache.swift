import AgentState
import Synchronization

/// Sessions already decoded, by the exact text stored for them. A turn reads its session twice,
/// to append and then for the window, and decoding the JSON document cost about a tenth of the
/// turn each time; the window's read decodes what the append wrote, and the next turn's append
/// finds it here. An entry is used only when the stored text is the same, whole, so it can
/// never stand for another version of the session, and a write by another process is a miss.
/// Only decoding fills it, not the store's own writes: a written session is not always what its
/// text decodes to (`1.0` in its context is stored as `1`), and a read must show what is stored.
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

    private func remember(_ key: Key, _ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }
}
