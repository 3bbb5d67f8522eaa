import Crypto
import Foundation

/// Links each event to the one before it: `hash = SHA-256(prevHash, tenant, stream, seq, type,
/// time, canonical data)`. Changing any stored event breaks every hash after it.
public enum HashChain {
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(tenant: TenantID, stream: String, seq: Int64, type: String, at: Date,
                            data: JSONValue, prevHash: String) -> String {
        var h = SHA256()
        let header = "\(prevHash)\n\(tenant)\n\(stream)\n\(seq)\n\(type)\n\(at.millisecondsSince1970)\n"
        h.update(data: Data(header.utf8))
        h.update(data: data.canonicalData)
        return Hex.string(h.finalize())
    }

    public static func hash(of event: Event) -> String {
        hash(tenant: event.tenantId, stream: event.stream, seq: event.seq, type: event.type, at: event.at,
             data: event.data, prevHash: event.prevHash)
    }

    /// Checks a run of consecutive events; `previous` is the event before the first, if any.
    /// Returns the seq of the first broken event.
    public static func firstBroken(_ events: [Event], after previous: Event?) -> Int64? {
        var prior = previous
        for e in events {
            let expectedSeq = (prior?.seq ?? 0) + 1
            let expectedPrev = prior?.hash ?? genesis
            if e.seq != expectedSeq || e.prevHash != expectedPrev || e.hash != hash(of: e) { return e.seq }
            prior = e
        }
        return nil
    }

    static func digest(_ lines: [String]) -> String {
        Digests.sha256Hex(Data(lines.joined(separator: "\n").utf8))
    }
}
