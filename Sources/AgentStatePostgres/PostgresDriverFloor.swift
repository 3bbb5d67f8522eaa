import Foundation
import Logging
import PostgresNIO

/// The floor's turn and step (`Benchmarks/postgres/turn.sql` and `step.sql`) sent by hand through
/// postgres-nio from this process, as async queries with bound parameters: what the driver
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

    /// Append a user and an assistant message to the client's session, then read the last 20.
    package func turn(client id: Int) async throws {
        let id = Int64(id)
        try await client.withConnection { [logger] c in
            try await c.query("BEGIN", logger: logger)
            var lastSeq: Int64 = 0
            for try await seq in try await c.query("SELECT last_seq FROM floor.sessions WHERE id = \(id) FOR UPDATE", logger: logger)
                .decode(Int64.self) { lastSeq = seq }
            let (first, second) = (lastSeq + 1, lastSeq + 2)
            try await c.query("""
                INSERT INTO floor.messages VALUES (\(id), \(first), 'user', repeat('u', 300), 0), (\(id), \(second), 'assistant', repeat('a', 600), 0)
                """, logger: logger)
            try await c.query("UPDATE floor.sessions SET last_seq = \(second), version = version + 1, updated_at = 0 WHERE id = \(id)", logger: logger)
            try await c.query("COMMIT", logger: logger)
            for try await _ in try await c.query("SELECT seq, role, content FROM floor.messages WHERE session_id = \(id) ORDER BY seq DESC LIMIT 20",
                                                 logger: logger).decode((Int64, String, String).self) {}
        }
    }

    /// Write a step's result, then a 2 KB checkpoint, then read the checkpoint back.
    package func step(client id: Int) async throws {
        let id = Int64(id)
        try await client.withConnection { [logger] c in
            try await c.query("BEGIN", logger: logger)
            var seq: Int64 = 0
            for try await (_, s) in try await c.query("SELECT version, checkpoint_seq FROM floor.runs WHERE id = \(id) FOR UPDATE", logger: logger)
                .decode((Int64, Int64).self) { seq = s }
            let name = "s\(seq % 10)"
            try await c.query("""
                INSERT INTO floor.steps VALUES (\(id), \(name), '{"ok": true}') ON CONFLICT (run_id, name) DO UPDATE SET result = excluded.result
                """, logger: logger)
            try await c.query("UPDATE floor.runs SET version = version + 1 WHERE id = \(id)", logger: logger)
            try await c.query("COMMIT", logger: logger)
            try await c.query("BEGIN", logger: logger)
            for try await s in try await c.query("SELECT checkpoint_seq FROM floor.runs WHERE id = \(id) FOR UPDATE", logger: logger)
                .decode(Int64.self) { seq = s }
            let next = seq + 1
            try await c.query("""
                INSERT INTO floor.checkpoints VALUES (\(id), \(next), '{"cursor":' || \(seq) || ',"notes":"' || repeat('n', 2000) || '"}')
                """, logger: logger)
            try await c.query("UPDATE floor.runs SET checkpoint_seq = \(next), version = version + 1 WHERE id = \(id)", logger: logger)
            try await c.query("COMMIT", logger: logger)
            for try await _ in try await c.query("SELECT body FROM floor.checkpoints WHERE run_id = \(id) ORDER BY seq DESC LIMIT 1",
                                                 logger: logger).decode(String.self) {}
        }
    }
}
