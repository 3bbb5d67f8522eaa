import AgentState
import PostgresNIO

/// What a PostgreSQL error means to the store: a lost race to run again, or the error a caller sees.
struct PostgresFailure {
    let isRace: Bool
    let error: any Error

    init(_ e: PSQLError) {
        let state = e.serverInfo?[.sqlState] ?? ""
        let message = e.serverInfo?[.message] ?? "\(e.code)"
        switch e.code {
        case .server:
            switch state {
            case "40001", "40P01":
                isRace = true
                error = AgentStateError(.conflict, "the change lost a race with another one; try again")
            case "23505":
                isRace = true
                error = AgentStateError(.conflict, "another change made the same record at the same time; try again")
            case "42P01", "3F000":
                isRace = false
                error = AgentStateError(.unavailable, "the PostgreSQL schema is missing or incomplete (\(message)): run `agentstate migrate`")
            case _ where state.hasPrefix("22"):
                isRace = false
                error = AgentStateError(.invalidInput, "PostgreSQL cannot store this value: \(message)")
            case _ where state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57"):
                isRace = false
                error = AgentStateError(.unavailable, "PostgreSQL is unavailable: \(message)")
            default:
                isRace = false
                error = PostgresServerError(sqlState: state, message: message)
            }
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed,
             .sslUnsupported, .failedToAddSSLHandler:
            isRace = false
            error = AgentStateError(.unavailable, "PostgreSQL is unreachable: \(e.code)")
        default:
            isRace = false
            error = e
        }
    }
}

/// An error PostgreSQL reported that the store has no meaning for: its SQLSTATE and message
/// (the driver's own description hides both).
struct PostgresServerError: Error, CustomStringConvertible {
    let sqlState: String
    let message: String
    var description: String { "PostgreSQL error \(sqlState): \(message)" }
}
