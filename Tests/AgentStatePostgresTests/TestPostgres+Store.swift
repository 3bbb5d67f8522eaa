import AgentState
import AgentStatePostgres
import AgentStateTesting

extension TestPostgres {
    static func freshStore(clock: any StoreClock = SystemClock()) async throws -> PostgresStore {
        try await PostgresStore.open(url: freshURL(), migrate: true, clock: clock)
    }
}
