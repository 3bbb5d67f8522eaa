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
