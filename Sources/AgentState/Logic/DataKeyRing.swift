import Crypto
import Foundation

/// The keys that seal what agents put in a store (messages, step inputs and results,
/// checkpoints, session context, memory, event data) with AES-256-GCM before a backend writes it.
///
/// A sealed value is text, so it fits the columns and Redis entries that held the plain one:
/// a marker character, the id of the key that sealed it, and the nonce, ciphertext and tag in
/// base64. Values without the marker are read as they are, which lets a store that held plain
/// values be opened with a ring and sealed in place (`agentstate keys rotate-data`).
///
/// The newest key (the last listed) seals; every key in the ring opens. Rotating is adding a
/// key at the end, re-sealing, then dropping the old key once nothing is sealed under it.
public struct DataKeyRing: Sendable {
    /// `SymmetricKey` is not marked Sendable, but it is a value never changed after it is made.
    struct Key: @unchecked Sendable {
        let id: String
        let seal: SymmetricKey
        /// For the memory index's word tokens, derived so that a token reveals nothing of the key.
        let index: SymmetricKey
    }

    private let keys: [String: Key]
    private let ordered: [Key]
    private var active: Key { ordered[ordered.count - 1] }

    /// The id of the key that seals new values.
    public var activeKeyId: String { active.id }
    /// Every key's id, oldest first.
    public var keyIds: [String] { ordered.map(\.id) }

    /// Starts every sealed value; no text a person writes begins with it.
    static let marker: Character = "\u{1}"

    /// `keys` oldest first, each 32 bytes of key material.
    public init(keys: [(id: String, material: [UInt8])]) throws {
        guard !keys.isEmpty else { throw Self.invalid("it holds no key") }
        var byId: [String: Key] = [:]
        var ordered: [Key] = []
        for (id, material) in keys {
            try KeyFile.checkId(id, invalid: Self.invalid)
            guard material.count == 32 else { throw Self.invalid("key '\(id)' is \(material.count) bytes; AES-256 needs 32") }
            guard byId[id] == nil else { throw Self.invalid("key id '\(id)' is listed twice") }
            let material = SymmetricKey(data: material)
            let index = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("agentstate memory index".utf8), outputByteCount: 32)
            let key = Key(id: id, seal: material, index: index)
            byId[id] = key
            ordered.append(key)
        }
        self.keys = byId
        self.ordered = ordered
    }

    /// Reads `id:base64` entries, one per line or separated by commas; blank lines and lines
    /// starting with `#` are skipped.
    public init(parsing text: String) throws {
        try self.init(keys: try KeyFile.entries(text, invalid: Self.invalid).map { ($0.id, $0.bytes) })
    }

    /// The ring configured in the environment: `AGENTSTATE_DATA_KEYS` (the entries themselves)
    /// or `AGENTSTATE_DATA_KEYS_FILE` (a file of them); nil when neither is set.
    public static func configured(file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DataKeyRing? {
        try KeyFile.configuredText(file: file, fileVariable: "AGENTSTATE_DATA_KEYS_FILE", variable: "AGENTSTATE_DATA_KEYS",
                                   environment: environment, invalid: invalid).map(DataKeyRing.init(parsing:))
    }

    /// A new entry for a key ring: `id:` and 32 random bytes in base64.
    public static func newEntry(id: String) throws -> String {
        try KeyFile.checkId(id, invalid: invalid)
        return id + ":" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    // MARK: Sealing

    /// The value sealed under the active key.
    public func seal(_ text: String) -> String {
        let key = active
        // Sealing fails only for a nonce or key of the wrong size, which cannot happen here.
        let box = try! AES.GCM.seal(Data(text.utf8), using: key.seal)
        return String(Self.marker) + key.id + ":" + box.combined!.base64EncodedString()
    }

    /// The plain value of a stored one, sealed or not.
    public func open(_ stored: String) throws -> String {
        guard let (id, body) = Self.parts(stored) else { return stored }
        guard let key = keys[id] else {
            throw AgentStateError(.unavailable, "a stored value is sealed under data key '\(id)', which the key ring does not hold")
        }
        guard let combined = Data(base64Encoded: String(body)), let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key.seal)
        else {
            throw AgentStateError(.unavailable, "a stored value sealed under data key '\(id)' does not open: the key is not the one that sealed it, or the value was altered")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Whether the stored value is sealed under the active key (nothing to re-seal).
    public func isCurrent(_ stored: String) -> Bool {
        Self.parts(stored)?.id == active.id
    }

    /// Whether the value is sealed at all.
    public static func isSealed(_ stored: String) -> Bool {
        stored.first == marker
    }

    private static func parts(_ stored: String) -> (id: String, body: Substring)? {
        guard stored.first == marker, let colon = stored.firstIndex(of: ":") else { return nil }
        return (String(stored[stored.index(after: stored.startIndex)..<colon]), stored[stored.index(after: colon)...])
    }

    // MARK: The memory index

    /// The words of a memory item's searchable text as the index holds them under a ring: one
    /// keyed token per word, so matching works and the words themselves are not stored.
    public func indexText(_ text: String) -> String {
        MemoryRules.terms(text).map { Self.token($0, active.index) }.joined(separator: " ")
    }

    /// What a search term may be stored as: itself (a value written before the ring) and its
    /// token under each key (values sealed before, during and after a rotation).
    public func indexAlternatives(_ term: String) -> [String] {
        [term] + ordered.map { Self.token(term, $0.index) }
    }

    private static func token(_ term: String, _ key: SymmetricKey) -> String {
        // 96 bits: collisions between two words of one store stay out of reach.
        Digests.hmacSHA256Hex(term, key: key, bytes: 12)
    }

    // MARK: Helpers

    private static func invalid(_ message: String) -> AgentStateError {
        AgentStateError(.invalidInput, "the data key ring is not usable: \(message)", field: "data_keys")
    }
}

/// A part of a backend that seals values under a key ring, when it is given one.
public protocol ValueSealing {
    var keyRing: DataKeyRing? { get }
}

extension ValueSealing {
    /// The value as it is to be stored.
    public func seal(_ text: String) -> String {
        keyRing?.seal(text) ?? text
    }

    /// A stored value as it was given. A sealed value with no ring to open it is an error, never
    /// passed on as if it were the value.
    public func open(_ stored: String) throws -> String {
        if let keyRing { return try keyRing.open(stored) }
        guard !DataKeyRing.isSealed(stored) else {
            throw AgentStateError(.unavailable, "the store holds sealed values and no data key ring is configured (AGENTSTATE_DATA_KEYS or AGENTSTATE_DATA_KEYS_FILE)")
        }
        return stored
    }

    /// A memory item's searchable text as the index is to hold it.
    public func indexText(_ text: String) -> String {
        keyRing?.indexText(text) ?? text
    }
}
