import AgentState
import Foundation

/// Plain text tables for people, JSON for scripts.
enum Output {
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// The API's JSON, indented: scripts read the CLI's output as they read the server's.
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try APICoding.prettyEncoder.encode(value), as: UTF8.self)
    }

    /// One record as one line of JSON, in the API's form: for JSON Lines.
    static func line(_ value: some Encodable) throws -> String {
        String(decoding: try APICoding.encoder.encode(value), as: UTF8.self)
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).dateTimeSeparator(.space))
    }
}
