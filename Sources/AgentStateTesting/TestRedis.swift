import AgentState
import Foundation

/// The Redis the test command started (`scripts/redis start`). Without it the tests that need
/// it fail and say so: they are never skipped.
public enum TestRedis {
    public static func url(tls: Bool = false) throws -> String {
        let name = tls ? "AGENTSTATE_TEST_REDIS_TLS" : "AGENTSTATE_TEST_REDIS"
        guard let url = ProcessInfo.processInfo.environment[name], !url.isEmpty else {
            throw AgentStateError(.unavailable, """
                \(name) is not set: run ./scripts/test, which starts a Redis for the tests, \
                or export what `scripts/redis start` prints
                """)
        }
        return url
    }

    /// The server's directory, holding its self-signed certificate `server.crt`.
    public static func directory() throws -> String {
        guard let dir = ProcessInfo.processInfo.environment["AGENTSTATE_TEST_REDIS_DIR"], !dir.isEmpty else {
            throw AgentStateError(.unavailable, "AGENTSTATE_TEST_REDIS_DIR is not set: run ./scripts/test")
        }
        return dir
    }
}
