import AgentState
import Foundation
import Testing

@Suite("Data key ring: sealing values at rest")
struct DataKeyRingTests {
    let ring = try! DataKeyRing(parsing: """
        # the first key, kept to open what it sealed
        k1:\(Data(repeating: 1, count: 32).base64EncodedString())
        k2:\(Data(repeating: 2, count: 32).base64EncodedString())
        """)

    @Test("a sealed value opens to what was sealed, names its key, and never seals the same way twice")
    func roundTrip() throws {
        let text = "my card is 4111 1111 1111 1111 — ünïcödé ✓"
        let a = ring.seal(text), b = ring.seal(text)
        #expect(a != b, "a fresh nonce each time")
        #expect(a.hasPrefix("\u{1}k2:") && !a.contains("4111"))
        #expect(try ring.open(a) == text && ring.isCurrent(a) && DataKeyRing.isSealed(a))
        #expect(try ring.open(text) == text && !ring.isCurrent(text), "a value stored plain reads as it is")
        #expect(ring.activeKeyId == "k2" && ring.keyIds == ["k1", "k2"])
    }

    @Test("a value sealed under an older key opens, and is not current")
    func olderKey() throws {
        let old = try DataKeyRing(keys: [("k1", [UInt8](repeating: 1, count: 32))])
        let sealed = old.seal("hello")
        #expect(try ring.open(sealed) == "hello" && !ring.isCurrent(sealed))
    }

    @Test("a value under a key the ring lacks, under a wrong key, or altered, is an error and never passed on")
    func failures() throws {
        let other = try DataKeyRing(keys: [("k3", [UInt8](repeating: 3, count: 32))])
        #expect { try ring.open(other.seal("x")) } throws: { "\($0)".contains("'k3'") && "\($0)".contains("does not hold") }
        let impostor = try DataKeyRing(keys: [("k2", [UInt8](repeating: 9, count: 32))])
        #expect { try ring.open(impostor.seal("x")) } throws: { "\($0)".contains("does not open") }
        var altered = Array(ring.seal("pay 10 dollars").utf8)
        altered[altered.count - 6] = altered[altered.count - 6] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: AgentStateError.self) { try ring.open(String(decoding: altered, as: UTF8.self)) }
    }

    @Test("a bad ring is refused with a message that does not echo a key", arguments: [
        "", "# only a comment", "k1", "k1:not-base64!!", "k1:\(Data(repeating: 1, count: 16).base64EncodedString())",
        "bad id:\(Data(repeating: 1, count: 32).base64EncodedString())",
        "k1:\(Data(repeating: 1, count: 32).base64EncodedString()),k1:\(Data(repeating: 2, count: 32).base64EncodedString())",
    ])
    func badRings(text: String) {
        #expect { try DataKeyRing(parsing: text) } throws: { error in
            let e = error as? AgentStateError
            return e?.code == .invalidInput && e?.field == "data_keys" && !e!.message.contains("AQEBAQEB")
        }
    }

    @Test("the ring comes from a file or the environment, the file winning; a missing file is an error")
    func configured() throws {
        let entry = try DataKeyRing.newEntry(id: "fresh")
        #expect(entry.hasPrefix("fresh:") && Data(base64Encoded: String(entry.dropFirst(6)))?.count == 32)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ring-\(UUID().uuidString)").path
        try Data((entry + "\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(try DataKeyRing.configured(environment: [:]) == nil)
        #expect(try DataKeyRing.configured(environment: ["AGENTSTATE_DATA_KEYS": "k9:" + Data(repeating: 5, count: 32).base64EncodedString()])?.activeKeyId == "k9")
        #expect(try DataKeyRing.configured(environment: ["AGENTSTATE_DATA_KEYS_FILE": path, "AGENTSTATE_DATA_KEYS": "k9:x"])?.activeKeyId == "fresh")
        #expect(throws: AgentStateError.self) { try DataKeyRing.configured(file: path + "-missing", environment: [:]) }
    }

    @Test("memory words are indexed as keyed tokens; a search term matches its token under any key, or itself")
    func indexTokens() throws {
        let indexed = ring.indexText("Paris, in Spring")
        #expect(!indexed.lowercased().contains("paris") && indexed.split(separator: " ").count == 3)
        let alternatives = ring.indexAlternatives("paris")
        #expect(alternatives.count == 3 && alternatives[0] == "paris")
        #expect(indexed.split(separator: " ").contains(Substring(alternatives[2])), "the newest key's token is the one indexed")
        let old = try DataKeyRing(keys: [("k1", [UInt8](repeating: 1, count: 32))])
        #expect(old.indexText("paris") == alternatives[1], "text indexed before a rotation is still found")
    }
}
