import Foundation

/// How backends write a record as the JSON text of a `doc` column and read it back: one form
/// for every backend, so a store's rows mean the same whatever engine holds them.
public enum StoredDocument {
    static let encoder = JSONEncoder.agentState

    public static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONValueDecoder.storage.decode(T.self, from: text.utf8)
    }
}

/// The fields few messages carry (tool calls, a tool result's call id and name, metadata),
/// stored together as one JSON column beside the plain ones, the same in every backend.
public enum StoredMessageExtras {
    private struct Extras: Codable {
        var toolCallId: String?
        var name: String?
        var toolCalls: [ToolCall]?
        var metadata: JSONValue?
    }

    /// The column's text, or `nil` for a message with none of these fields.
    public static func encode(_ m: Message) throws -> String? {
        guard m.toolCallId != nil || m.name != nil || m.toolCalls != nil || m.metadata != nil else { return nil }
        // By hand, as `JSONEncoder` writes it (a test holds the two together): every message of
        // an agent framework's session carries some, and the generic encoder took 2.5% of the
        // server's CPU under the Agents SDK's turns.
        var w = JSONWriter(capacity: 128)
        var first = true
        func key(_ name: StaticString) {
            w.raw(first ? "{" : ",")
            first = false
            w.raw(name)
        }
        if let metadata = m.metadata { key("\"metadata\":"); try w.value(metadata) }
        if let name = m.name { key("\"name\":"); w.string(name) }
        if let id = m.toolCallId { key("\"toolCallId\":"); w.string(id) }
        if let calls = m.toolCalls { key("\"toolCalls\":"); try w.array(calls) }
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    public static func apply(_ text: String, to m: inout Message) throws {
        let extras = try StoredDocument.decode(Extras.self, text)
        m.toolCallId = extras.toolCallId
        m.name = extras.name
        m.toolCalls = extras.toolCalls
        m.metadata = extras.metadata
    }
}
