import Foundation

extension StoredDocument {
    /// A message as a stored document, written by hand: the same bytes `JSONEncoder` writes (a
    /// test holds the two together) at a fraction of the cost, since the Redis hot tier writes
    /// one per appended message.
    public static func encode(_ m: Message) throws -> String {
        var w = JSONWriter(capacity: m.content.utf8.count + 160)
        w.raw("{\"content\":"); w.string(m.content)
        w.raw(",\"createdAt\":"); w.int(m.createdAt.millisecondsSince1970)
        if let metadata = m.metadata { w.raw(",\"metadata\":"); try w.value(metadata) }
        if let name = m.name { w.raw(",\"name\":"); w.string(name) }
        w.raw(",\"role\":"); w.string(m.role.rawValue)
        w.raw(",\"seq\":"); w.int(m.seq)
        w.raw(",\"sessionId\":"); w.string(m.sessionId)
        w.raw(",\"tenantId\":"); w.string(m.tenantId)
        w.raw(",\"tokens\":"); w.int(m.tokens)
        if let id = m.toolCallId { w.raw(",\"toolCallId\":"); w.string(id) }
        if let calls = m.toolCalls {
            w.raw(",\"toolCalls\":")
            try w.array(calls)
        }
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
