import Foundation

/// A position in a list ordered by a time and then an id, handed out as an opaque string.
public struct PageCursor: Sendable, Codable, Hashable {
    public var time: Int64
    public var id: String

    public init(time: Int64, id: String) {
        self.time = time
        self.id = id
    }

    public var token: String {
        Data("\(time):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(token: String) {
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":"), let time = Int64(text[..<colon])
        else { return nil }
        self.init(time: time, id: String(text[text.index(after: colon)...]))
    }

    static func parse(_ token: String?) throws -> PageCursor? {
        guard let token else { return nil }
        guard let cursor = PageCursor(token: token) else {
            throw AgentStateError.invalidInput(field: "cursor", "is not a cursor this server issued")
        }
        return cursor
    }
}
