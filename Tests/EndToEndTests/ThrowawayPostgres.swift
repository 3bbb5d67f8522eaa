import AgentStateTesting
import Foundation

/// A PostgreSQL of a test's own (`scripts/postgres`), for tests that stop and start it: the
/// shared one must stay up for the tests running beside them.
struct ThrowawayPostgres {
    let url: String
    let directory: String

    private static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/postgres")
    }

    static func start() throws -> ThrowawayPostgres {
        let r = try runProcess(script, ["start"])
        var values: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard r.status == 0, let url = values["AGENTSTATE_TEST_POSTGRES"], let dir = values["AGENTSTATE_TEST_POSTGRES_DIR"] else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "scripts/postgres start failed: \(r.stderr)"])
        }
        return ThrowawayPostgres(url: url, directory: dir)
    }

    /// Stops the server (a fast shutdown: sessions are cut off), keeping its data.
    func pause() throws { try run("pause") }

    func resume() throws { try run("resume") }

    func stop() { _ = try? runProcess(Self.script, ["stop", directory]) }

    private func run(_ verb: String) throws {
        let r = try runProcess(Self.script, [verb, directory])
        guard r.status == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "scripts/postgres \(verb) failed: \(r.stderr)"])
        }
    }
}
