import AgentState
import PostgresNIO

/// What a PostgreSQL error means to the store: a lost race to run again, or the error a caller sees.
struct PostgresFailure {
    let isRace: Bool
    let error: any Error

    private init(isRace: Bool, error: any Error) {
        self.isRace = isRace
        self.error = error
    }

    init(_ e: PSQLError) {
        switch e.code {
        case .server:
            self.init(sqlState: e.serverInfo?[.sqlState] ?? "", message: e.serverInfo?[.message] ?? "\(e.code)")
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed,
             .sslUnsupported, .failedToAddSSLHandler:
            self.init(isRace: false, error: AgentStateError(.unavailable, "PostgreSQL is unreachable: \(e.code)"))
        default:
            self.init(isRace: false, error: e)
        }
    }

    /// The driver's older interface, which prepared statements go through, reports its errors
    /// in this older type.
    init(_ e: PostgresError) {
        switch e {
        case .server(let notice):
            self.init(sqlState: notice.fields[.sqlState] ?? "", message: notice.fields[.message] ?? "\(e)")
        case .connectionClosed:
            self.init(isRace: false, error: AgentStateError(.unavailable, "PostgreSQL is unreachable: the connection closed"))
        case .protocol:
            self.init(isRace: false, error: e)
        }
    }

    /// What an error of the driver means, in either of its types; nil for any other error.
    init?(driverError error: any Error) {
        if let e = error as? PSQLError {
            self.init(e)
        } else if let e = error as? PostgresError {
            self.init(e)
        } else {
            return nil
        }
    }

    /// The SQLSTATE of an error the server reported, in either of the driver's error types.
    static func sqlState(of error: any Error) -> String? {
        if let e = error as? PSQLError, e.code == .server { return e.serverInfo?[.sqlState] }
        if case .server(let notice)? = error as? PostgresError { return notice.fields[.sqlState] }
        return nil
    }

    private init(sqlState state: String, message: String) {
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
    }
}

/// An error PostgreSQL reported that the store has no meaning for: its SQLSTATE and message
/// (the driver's own description hides both).
struct PostgresServerError: Error, CustomStringConvertible {
    let sqlState: String
    let message: String
    var description: String { "PostgreSQL error \(sqlState): \(message)" }
}
