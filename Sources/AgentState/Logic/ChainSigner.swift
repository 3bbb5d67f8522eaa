import Crypto
import Foundation

/// Signs the head of every event chain with Ed25519, so that someone who can write the
/// database but does not hold the key cannot rewrite history unseen: a chain rewritten and
/// re-linked from the changed event on still hashes cleanly, but its head no longer carries a
/// signature of its own.
///
/// The key is kept outside the store, in a file like the data keys: `id:base64` lines of 32-byte
/// Ed25519 seeds (`agentstate keys new-signing-key`). The last key signs; every key listed
/// verifies, so a key is rotated by adding one at the end and dropping the old one once no
/// chain's head is signed with it.
///
/// Each event is signed as it is appended, and verification checks the head's signature. What
/// it cannot see is a chain cut back to an earlier event, whose signature is as good as it was:
/// a run's own record of its event count is checked for that, a session's is not.
public struct ChainSigner: Sendable {
    /// `PrivateKey` is not marked Sendable, but it is a value never changed after it is made.
    struct Key: @unchecked Sendable {
        let id: String
        let signing: Curve25519.Signing.PrivateKey
    }

    private let keys: [String: Key]
    private let active: Key

    /// The id of the key that signs new events.
    public var activeKeyId: String { active.id }

    /// `keys` oldest first, each a 32-byte seed.
    public init(keys: [(id: String, seed: [UInt8])]) throws {
        var byId: [String: Key] = [:]
        var last: Key?
        for (id, seed) in keys {
            try KeyFile.checkId(id, invalid: Self.invalid)
            guard byId[id] == nil else { throw Self.invalid("key id '\(id)' is listed twice") }
            guard seed.count == 32, let signing = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
                throw Self.invalid("key '\(id)' is \(seed.count) bytes; an Ed25519 seed is 32")
            }
            let key = Key(id: id, signing: signing)
            byId[id] = key
            last = key
        }
        guard let last else { throw Self.invalid("it holds no key") }
        self.keys = byId
        active = last
    }

    /// Reads the entries of a signing key file (`KeyFile`).
    public init(parsing text: String) throws {
        try self.init(keys: try KeyFile.entries(text, invalid: Self.invalid).map { ($0.id, $0.bytes) })
    }

    /// The signer configured by `file` or the environment: `AGENTSTATE_SIGNING_KEYS_FILE` (a
    /// file of entries) or `AGENTSTATE_SIGNING_KEYS` (the entries); nil when none is set.
    public static func configured(file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ChainSigner? {
        try KeyFile.configuredText(file: file, fileVariable: "AGENTSTATE_SIGNING_KEYS_FILE", variable: "AGENTSTATE_SIGNING_KEYS",
                                   environment: environment, invalid: invalid).map(ChainSigner.init(parsing:))
    }

    /// A new entry for a signing key file: `id:` and a random Ed25519 seed in base64.
    public static func newEntry(id: String) throws -> String {
        try KeyFile.checkId(id, invalid: invalid)
        return id + ":" + Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
    }

    /// `id:base64` of the signature over the chain's head after `event`.
    public func sign(_ event: Event) -> String {
        // Signing fails only for a malformed key, which `init` refuses.
        let signature = try! active.signing.signature(for: Self.message(event))
        return active.id + ":" + signature.base64EncodedString()
    }

    /// Whether `event` carries a signature of its head by one of the keys.
    public func check(_ event: Event) -> ChainVerification.Signature {
        guard let signature = event.signature else { return .missing }
        guard let colon = signature.firstIndex(of: ":"), let key = keys[String(signature[..<colon])],
            let bytes = Data(base64Encoded: String(signature[signature.index(after: colon)...])),
            key.signing.publicKey.isValidSignature(bytes, for: Self.message(event))
        else { return .invalid }
        return .valid
    }

    /// What is signed: the head's place and hash, which commits to every event before it.
    static func message(_ e: Event) -> Data {
        Data("agentstate chain head\n\(e.tenantId)\n\(e.stream)\n\(e.seq)\n\(e.hash)".utf8)
    }

    private static func invalid(_ message: String) -> AgentStateError {
        AgentStateError(.invalidInput, "the signing key file is not usable: \(message)", field: "signing_keys")
    }
}
