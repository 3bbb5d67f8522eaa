import AgentState
import AgentStateSQLite
import Foundation
import GRDB
import Testing

/// Tamper evidence against someone who can write the database: the hash chain alone can be
/// rewritten and re-linked; the head's signature, made with a key the database never holds,
/// cannot.
@Suite("SQLite: signed chain heads")
struct ChainSignatureTests {
    let tenant = "acme"

    func signedStore(_ path: String, _ signer: ChainSigner?) throws -> SQLiteStore {
        var configuration = SQLiteStore.Configuration()
        configuration.chainSigner = signer
        return try SQLiteStore(path: path, configuration: configuration)
    }

    /// What an attacker with write access does: changes event `seq`'s data and recomputes the
    /// links of it and every event after it, straight in the file.
    func rewrite(_ store: SQLiteStore, stream: String, seq: Int64, data: JSONValue) async throws {
        var events = try await store.events(tenant, stream: stream, afterSeq: 0, limit: 1000)
        for i in events.indices where events[i].seq >= seq {
            if events[i].seq == seq { events[i].data = data }
            events[i].prevHash = i == 0 ? HashChain.genesis : events[i - 1].hash
            events[i].hash = HashChain.hash(of: events[i])
            try await store.unsafeExecute("UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE tenant_id = ? AND stream = ? AND seq = ?",
                                          [String(decoding: events[i].data.canonicalData, as: UTF8.self), events[i].prevHash, events[i].hash,
                                           tenant, stream, events[i].seq])
        }
    }

    func makeRun(_ store: SQLiteStore) async throws {
        _ = try await store.createRun(tenant, RunCreate(id: "r", workflow: "refund", input: ["amount": 10]))
        for amount in [10, 20, 30] { _ = try await store.appendEvent(tenant, runId: "r", type: "note", data: ["amount": .int(Int64(amount))]) }
    }

    @Test("a rewritten, re-linked chain still hashes cleanly, but its head's signature fails")
    func rewrittenChain() async throws {
        let signer = try ChainSigner(parsing: try ChainSigner.newEntry(id: "s1"))
        let path = temporaryPath("signed.sqlite")
        let store = try signedStore(path, signer)
        try await makeRun(store)
        let good = try await store.verifyChain(tenant, stream: "run:r")
        #expect(good.valid && good.signature == .valid && good.events == 4, "\(good)")
        #expect(try await store.events(tenant, stream: "run:r", afterSeq: 0, limit: 10).allSatisfy { $0.signature?.hasPrefix("s1:") == true })

        try await rewrite(store, stream: "run:r", seq: 2, data: ["data": ["amount": 10_000]])
        let forged = try await store.verifyChain(tenant, stream: "run:r")
        #expect(forged.firstInvalidSeq == nil, "the links were recomputed: the hash chain alone sees nothing")
        #expect(!forged.valid && forged.signature == .invalid, "\(forged)")
        try await store.close()

        // Without the key, the same file verifies: the signature is what caught it.
        let unsigned = try signedStore(path, nil)
        #expect(try await unsigned.verifyChain(tenant, stream: "run:r").valid)
        try await unsigned.close()
    }

    @Test("a head stripped of its signature is missing; a chain cut back to an earlier signed event is truncated; another key is invalid")
    func strippedAndCut() async throws {
        let signer = try ChainSigner(parsing: try ChainSigner.newEntry(id: "s1"))
        let store = try signedStore(temporaryPath("cut.sqlite"), signer)
        try await makeRun(store)
        try await store.unsafeExecute("UPDATE events SET signature = NULL WHERE tenant_id = ? AND stream = 'run:r' AND seq = 4", [tenant])
        let stripped = try await store.verifyChain(tenant, stream: "run:r")
        #expect(!stripped.valid && stripped.signature == .missing, "\(stripped)")
        try await store.unsafeExecute("DELETE FROM events WHERE tenant_id = ? AND stream = 'run:r' AND seq = 4", [tenant])
        let cut = try await store.verifyChain(tenant, stream: "run:r")
        #expect(!cut.valid && cut.signature == .truncated && cut.firstInvalidSeq == nil, "\(cut)")
        try await store.close()

        // A session's chain is signed too; a ring without the signing key cannot vouch for it.
        let other = try ChainSigner(parsing: try ChainSigner.newEntry(id: "s1"))
        let path = temporaryPath("session.sqlite")
        let first = try signedStore(path, signer)
        _ = try await first.createSession(tenant, SessionCreate(id: "s"))
        #expect(try await first.verifyChain(tenant, stream: "session:s").signature == .valid)
        try await first.close()
        let impostor = try signedStore(path, other)
        #expect(try await impostor.verifyChain(tenant, stream: "session:s").signature == .invalid)
        try await impostor.close()
    }

    @Test("a signing key file: entries parse, a bad one is refused without echoing it, the last key signs and every key verifies")
    func keyFile() throws {
        let old = try ChainSigner.newEntry(id: "old"), new = try ChainSigner.newEntry(id: "new")
        let ring = try ChainSigner(parsing: "# signing keys\n\(old)\n\n\(new)\n")
        #expect(ring.activeKeyId == "new")
        let event = Event(tenantId: "t", stream: "run:r", seq: 1, type: "x", data: .null, at: Date(), prevHash: HashChain.genesis, hash: "h")
        var signedOld = event
        signedOld.signature = try ChainSigner(parsing: old).sign(event)
        #expect(ring.check(signedOld) == .valid, "an older key still verifies")
        let secret = String(old.split(separator: ":")[1])
        #expect(throws: AgentStateError.self) { try ChainSigner(parsing: "nocolon" + secret) }
        do {
            _ = try ChainSigner(parsing: "bad:" + secret.dropLast(4))
        } catch let error as AgentStateError {
            #expect(!error.message.contains(secret.dropLast(4)))
        }
    }
}
