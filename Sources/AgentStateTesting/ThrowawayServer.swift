import AgentState
import Foundation

/// A PostgreSQL or Redis of a test's own, started by `scripts/postgres` or `scripts/redis`, for
/// tests that stop and start it: the shared one must stay up for the tests running beside them.
package struct ThrowawayServer: Sendable {
    /// `postgres` or `redis`: the script that runs it.
    package let kind: String
    /// What the script printed: `AGENTSTATE_TEST_<KIND>` (the URL), `…_DIR`, and any others.
    package let variables: [String: String]
    package var url: String { variables["AGENTSTATE_TEST_\(kind.uppercased())"]! }
    package var directory: String { variables["AGENTSTATE_TEST_\(kind.uppercased())_DIR"]! }

    private static func script(_ kind: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/\(kind)")
    }

    /// Runs `scripts/<kind> <verb>`: `start`, or for Redis also `start-sentinel`. Only under the
    /// test command, which has started the shared server of that kind: a plain `swift test`
    /// fails such a test at once, saying so, rather than installing and starting servers that
    /// outlive it when the run is cut short.
    package static func start(_ kind: String, _ verb: String = "start",
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ThrowawayServer {
        let marker = "AGENTSTATE_TEST_\(kind.uppercased())"
        guard let set = environment[marker], !set.isEmpty else {
            throw AgentStateError(.unavailable, """
                \(marker) is not set: this test starts a \(kind) of its own only under ./scripts/test, \
                which runs the whole suite with what it needs
                """)
        }
        let r = try runProcess(script(kind), [verb])
        var values: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        let prefix = "AGENTSTATE_TEST_\(kind.uppercased())"
        guard r.status == 0, values[prefix] != nil, values[prefix + "_DIR"] != nil else {
            throw AgentStateError(.unavailable, "scripts/\(kind) \(verb) failed: \(r.stderr)")
        }
        return ThrowawayServer(kind: kind, variables: values)
    }

    /// Stops the server (PostgreSQL: a fast shutdown, sessions cut off), keeping its data.
    /// `server` names one server of a group (a directory the script printed); by default, the one.
    package func pause(_ server: String? = nil) throws { try run("pause", server ?? directory) }

    package func resume(_ server: String? = nil) throws { try run("resume", server ?? directory) }

    package func stop() { _ = try? runProcess(Self.script(kind), ["stop", directory]) }

    private func run(_ verb: String, _ directory: String) throws {
        let r = try runProcess(Self.script(kind), [verb, directory])
        guard r.status == 0 else { throw AgentStateError(.unavailable, "scripts/\(kind) \(verb) failed: \(r.stderr)") }
    }
}
