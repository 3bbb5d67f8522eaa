import AgentState
import Foundation

/// The PostgreSQL the test command started (`scripts/postgres start`). Without it the tests
/// that need it fail and say so: they are never skipped.
public enum TestPostgres {
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["AGENTSTATE_TEST_POSTGRES"], !url.isEmpty else {
            throw AgentStateError(.unavailable, """
                AGENTSTATE_TEST_POSTGRES is not set: run ./scripts/test, which starts a PostgreSQL for the tests, \
                or export the URL that `scripts/postgres start` prints
                """)
        }
        return url
    }

    /// The URL with a schema of its own, so that each test starts empty.
    public static func freshURL() throws -> String {
        try url(schema: "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20))
    }

    /// The server's directory (`scripts/postgres`), holding its TLS certificate `server.crt`.
    public static func directory() throws -> String {
        guard let dir = ProcessInfo.processInfo.environment["AGENTSTATE_TEST_POSTGRES_DIR"], !dir.isEmpty else {
            throw AgentStateError(.unavailable, "AGENTSTATE_TEST_POSTGRES_DIR is not set: run ./scripts/test")
        }
        return dir
    }

    /// With a connect timeout of 10 s rather than the default 2: the whole suite runs its tests
    /// in parallel on two cores, where a debug build's connection can take longer than 2 s to
    /// come (a test of outages sets its own, later in the URL, which wins).
    public static func url(schema: String) throws -> String {
        try url(try url(), schema: schema)
    }

    /// `base` with the schema and the connect timeout above.
    static func url(_ base: String, schema: String) -> String {
        base + (base.contains("?") ? "&" : "?") + "schema=\(schema)&connect_timeout=10"
    }
}

/// The tests' PgBouncer in transaction mode in front of that PostgreSQL (`scripts/pgbouncer`).
public enum TestPgBouncer {
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["AGENTSTATE_TEST_PGBOUNCER"], !url.isEmpty else {
            throw AgentStateError(.unavailable, """
                AGENTSTATE_TEST_PGBOUNCER is not set: run ./scripts/test, which starts a PgBouncer for the tests, \
                or export the URL that `scripts/pgbouncer start POSTGRES_URL` prints
                """)
        }
        return url
    }

    public static func url(schema: String) throws -> String {
        TestPostgres.url(try url(), schema: schema)
    }
}
