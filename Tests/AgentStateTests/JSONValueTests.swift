import AgentState
import Foundation
import Testing

@Suite("JSON values and merge patches")
struct JSONValueTests {
    @Test("RFC 7396 examples apply as the RFC says")
    func rfcExamples() {
        let cases: [(JSONValue, JSONValue, JSONValue)] = [
            (["a": "b"], ["a": "c"], ["a": "c"]),
            (["a": "b"], ["b": "c"], ["a": "b", "b": "c"]),
            (["a": "b"], ["a": nil], [:]),
            (["a": "b", "b": "c"], ["a": nil], ["b": "c"]),
            (["a": ["b"]], ["a": "c"], ["a": "c"]),
            (["a": "c"], ["a": ["b"]], ["a": ["b"]]),
            (["a": ["b": "c"]], ["a": ["b": "d", "c": nil]], ["a": ["b": "d"]]),
            (["a": [["b": "c"]]], ["a": [1]], ["a": [1]]),
            (["e": nil], ["a": 1], ["e": nil, "a": 1]),
            ([1, 2], ["a": "b", "c": nil], ["a": "b"]),
            (["a": "foo"], nil, nil),
            (["a": "foo"], "bar", "bar"),
            ([:], ["a": ["bb": ["ccc": nil]]], ["a": ["bb": [:]]]),
        ]
        for (target, patch, result) in cases {
            #expect(target.merging(patch: patch) == result, "\(target) + \(patch)")
        }
    }

    static let diffCases: [(JSONValue, JSONValue)] = [
        (["a": 1, "b": ["c": 2, "d": 3]], ["a": 1, "b": ["c": 5], "e": [1, 2]]),
        (["x": "y"], [:]),
        ([:], ["deep": ["er": ["est": true]]]),
    ]

    @Test("a computed patch turns the old document into the new one", arguments: diffCases)
    func diffRoundTrip(old: JSONValue, new: JSONValue) {
        let patch = JSONValue.mergePatch(from: old, to: new)
        #expect(patch.map(old.merging(patch:)) == new)
        #expect(JSONValue.mergePatch(from: new, to: new) == nil)
    }

    @Test("large integers survive a round trip exactly; canonical form sorts keys")
    func roundTrip() throws {
        let doc: JSONValue = ["z": 9_007_199_254_740_993, "a": [1.5, "x\n\"y\"", nil, true], "m": ["b": 1, "a": 2]]
        let data = try JSONEncoder().encode(doc)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == doc)
        #expect(String(decoding: doc.canonicalData, as: UTF8.self)
            == #"{"a":[1.5,"x\n\"y\"",null,true],"m":{"a":2,"b":1},"z":9007199254740993}"#)
        #expect(JSONValue.double(2.0).canonicalData == JSONValue.int(2).canonicalData)
    }
}
