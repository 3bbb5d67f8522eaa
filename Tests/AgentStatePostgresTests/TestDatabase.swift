import AgentState
import AgentStatePostgres
import Foundation

/// The PostgreSQL the test command started (`scripts/postgres start`). Without it these tests
/// fail and say so: they are never skipped.
enum TestDatabase {
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["AGENTSTATE_TEST_POSTGRES"], !url.isEmpty else {
            throw AgentStateError(.unavailable, """
                AGENTSTATE_TEST_POSTGRES is not set: run ./scripts/test, which starts a PostgreSQL for the tests, \
                or export the URL that `scripts/postgres start` prints
                """)
        }
        return url
    }

    /// A URL for a schema of its own, so that each test starts empty.
    static func freshURL() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        return try url() + (try url().contains("?") ? "&" : "?") + "schema=\(name)"
    }

    static func freshStore(clock: any StoreClock = SystemClock()) async throws -> PostgresStore {
        try await PostgresStore.open(url: freshURL(), migrate: true, clock: clock)
    }
}
