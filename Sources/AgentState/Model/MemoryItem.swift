import Foundation

public struct MemoryKey: Sendable, Codable, Hashable {
    public var userId: String
    public var namespace: String
    public var key: String

    public init(userId: String, namespace: String, key: String) {
        self.userId = userId
        self.namespace = namespace
        self.key = key
    }
}

/// A long-term fact about a user or an agent.
public struct MemoryItem: Sendable, Codable, Hashable {
    public var tenantId: TenantID
    public var userId: String
    public var namespace: String
    public var key: String
    public var value: JSONValue
    /// Searchable text.
    public var text: String?
    /// A vector from the client's embedding model, for similarity search.
    public var embedding: [Float]?
    public var expiresAt: Date?
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public var memoryKey: MemoryKey { MemoryKey(userId: userId, namespace: namespace, key: key) }
}

public struct MemoryWrite: Sendable, Codable, Hashable {
    public var value: JSONValue
    public var text: String?
    public var embedding: [Float]?
    public var ttlSeconds: Int?
    public var expectedVersion: Int64?

    public init(value: JSONValue, text: String? = nil, embedding: [Float]? = nil, ttlSeconds: Int? = nil,
                expectedVersion: Int64? = nil) {
        self.value = value
        self.text = text
        self.embedding = embedding
        self.ttlSeconds = ttlSeconds
        self.expectedVersion = expectedVersion
    }
}

public struct MemoryQuery: Sendable, Codable, Hashable {
    public var userId: String
    public var namespace: String
    public var prefix: String?
    public var limit: Int
    public var cursor: String?

    public init(userId: String, namespace: String, prefix: String? = nil, limit: Int = 50, cursor: String? = nil) {
        self.userId = userId
        self.namespace = namespace
        self.prefix = prefix
        self.limit = limit
        self.cursor = cursor
    }
}

public struct MemorySearch: Sendable, Codable, Hashable {
    public var namespace: String?
    /// Full-text query: items containing every word.
    public var text: String?
    /// Cosine similarity against item embeddings.
    public var vector: [Float]?
    public var limit: Int

    public init(namespace: String? = nil, text: String? = nil, vector: [Float]? = nil, limit: Int = 10) {
        self.namespace = namespace
        self.text = text
        self.vector = vector
        self.limit = limit
    }
}

public struct MemoryHit: Sendable, Codable, Hashable {
    public var item: MemoryItem
    /// Higher is better: cosine similarity for vectors, a relevance score for text.
    public var score: Double

    public init(item: MemoryItem, score: Double) {
        self.item = item
        self.score = score
    }
}

/// Absent fields take their defaults, so a client may leave them out.
extension MemorySearch {
    enum CodingKeys: String, CodingKey { case namespace, text, vector, limit }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(namespace: try c.decodeIfPresent(String.self, forKey: .namespace), text: try c.decodeIfPresent(String.self, forKey: .text),
                  vector: try c.decodeIfPresent([Float].self, forKey: .vector), limit: try c.decodeIfPresent(Int.self, forKey: .limit) ?? 10)
    }
}
