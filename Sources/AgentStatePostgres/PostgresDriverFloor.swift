import Foundation
import Logging
import PostgresNIO

/// The floor's turn and step (`Benchmarks/postgres/turn.sql` and `step.sql`) sent by hand through
/// postgres-nio from this process, as async queries of prepared statements: what the driver
/// alone costs, so that `scripts/bench-postgres` can tell the store's own work from the driver's.
/// Client `c` works on the floor's session and run `c`, as pgbench's client `c` does.
package final class PostgresDriverFloor: Sendable {
    private let client: PostgresClient
    private let background: Task<Void, Never>
    private let logger = PostgresStore.quietLogger

    package init(url: String, connections: Int) throws {
        let c = try PostgresStore.Configuration(url: url)
        var config = PostgresClient.Configuration(host: c.host, port: c.port, username: c.user, password: c.password,
                                                  database: c.database, tls: .disable)
        config.options.maximumConnections = connections
        client = PostgresClient(configuration: config, backgroundLogger: logger)
        background = Task { [client] in await client.run() }
    }

    package func close() async {
        background.cancel()
        await background.value
    }

    /// Append a user and an assistant message to the client's session, then read the last 20:
    /// each statement prepared once per connection (the driver's `PostgresPreparedStatement`), as
    /// pgbench's `-M prepared` does.
    package func turn(client id: Int) async throws {
        let id = Int64(id)
        try await client.withConnection { [logger] c in
            try await c.query("BEGIN", logger: logger)
            var lastSeq: Int64 = 0
            for try await seq in try await c.execute(LockSession(id: id), logger: logger) { lastSeq = seq }
            _ = try await c.execute(InsertTurn(id: id, first: lastSeq + 1), logger: logger)
            _ = try await c.execute(BumpSession(id: id, lastSeq: lastSeq + 2), logger: logger)
            try await c.query("COMMIT", logger: logger)
            for try await _ in try await c.execute(LastTwenty(id: id), logger: logger) {}
        }
    }

    /// Write a step's result, then a 2 KB checkpoint, then read the checkpoint back, each
    /// statement prepared as in `turn`.
    package func step(client id: Int) async throws {
        let id = Int64(id)
        try await client.withConnection { [logger] c in
            try await c.query("BEGIN", logger: logger)
            var seq: Int64 = 0
            for try await s in try await c.execute(LockRun(id: id), logger: logger) { seq = s }
            _ = try await c.execute(PutStepResult(id: id, name: "s\(seq % 10)"), logger: logger)
            _ = try await c.execute(BumpRun(id: id, checkpointSeq: seq), logger: logger)
            try await c.query("COMMIT", logger: logger)
            try await c.query("BEGIN", logger: logger)
            for try await s in try await c.execute(LockRun(id: id), logger: logger) { seq = s }
            _ = try await c.execute(InsertCheckpoint(id: id, seq: seq), logger: logger)
            _ = try await c.execute(BumpRun(id: id, checkpointSeq: seq + 1), logger: logger)
            try await c.query("COMMIT", logger: logger)
            for try await _ in try await c.execute(LatestCheckpoint(id: id), logger: logger) {}
        }
    }
}

private struct LockSession: PostgresPreparedStatement {
    static let sql = "SELECT last_seq FROM floor.sessions WHERE id = $1 FOR UPDATE"
    typealias Row = Int64
    let id: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); return b }
    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}

private struct InsertTurn: PostgresPreparedStatement {
    static let sql = "INSERT INTO floor.messages VALUES ($1, $2, 'user', repeat('u', 300), 0), ($1, $2 + 1, 'assistant', repeat('a', 600), 0)"
    typealias Row = ()
    let id: Int64, first: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); b.append(first); return b }
    func decodeRow(_ row: PostgresRow) throws {}
}

private struct BumpSession: PostgresPreparedStatement {
    static let sql = "UPDATE floor.sessions SET last_seq = $2, version = version + 1, updated_at = 0 WHERE id = $1"
    typealias Row = ()
    let id: Int64, lastSeq: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); b.append(lastSeq); return b }
    func decodeRow(_ row: PostgresRow) throws {}
}

private struct LastTwenty: PostgresPreparedStatement {
    static let sql = "SELECT seq, role, content FROM floor.messages WHERE session_id = $1 ORDER BY seq DESC LIMIT 20"
    typealias Row = (Int64, String, String)
    let id: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); return b }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

private struct LockRun: PostgresPreparedStatement {
    static let sql = "SELECT checkpoint_seq FROM floor.runs WHERE id = $1 FOR UPDATE"
    typealias Row = Int64
    let id: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); return b }
    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}

private struct PutStepResult: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO floor.steps VALUES ($1, $2, '{"ok": true}') ON CONFLICT (run_id, name) DO UPDATE SET result = excluded.result
        """
    typealias Row = ()
    let id: Int64, name: String
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); b.append(name); return b }
    func decodeRow(_ row: PostgresRow) throws {}
}

/// Sets the run's checkpoint seq (unchanged after a step) and bumps its version.
private struct BumpRun: PostgresPreparedStatement {
    static let sql = "UPDATE floor.runs SET checkpoint_seq = $2, version = version + 1 WHERE id = $1"
    typealias Row = ()
    let id: Int64, checkpointSeq: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); b.append(checkpointSeq); return b }
    func decodeRow(_ row: PostgresRow) throws {}
}

private struct InsertCheckpoint: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO floor.checkpoints VALUES ($1, $2 + 1, '{"cursor":' || $2 || ',"notes":"' || repeat('n', 2000) || '"}')
        """
    typealias Row = ()
    let id: Int64, seq: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); b.append(seq); return b }
    func decodeRow(_ row: PostgresRow) throws {}
}

private struct LatestCheckpoint: PostgresPreparedStatement {
    static let sql = "SELECT body FROM floor.checkpoints WHERE run_id = $1 ORDER BY seq DESC LIMIT 1"
    typealias Row = String
    let id: Int64
    func makeBindings() -> PostgresBindings { var b = PostgresBindings(); b.append(id); return b }
    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}
