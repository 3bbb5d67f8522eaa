import AgentState
import Foundation
import GRDB

extension SQLiteStore: DataResealing {
    public func sealedRowCounts() async throws -> [String: Int] {
        try await read { tx in
            var counts: [String: Int] = [:]
            for table in SealedTable.all {
                counts[table.name] = try tx.row("SELECT COUNT(*) FROM \(table.name)", []).map { $0[0] } ?? 0
            }
            return counts
        }
    }

    public func reseal(_ table: SealedTable, after cursor: [String]?, limit: Int) async throws -> ResealBatch {
        try await write { tx in try tx.reseal(table, after: cursor, limit: limit) }
    }

    /// The pages that held values as they were before are free, not wiped, and the search
    /// index keeps a replaced word until its segments merge: merging them, rewriting the file
    /// and emptying the log leaves no plain copy behind of a store that was sealed late.
    public func finishResealing() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "INSERT INTO memory_fts (memory_fts) VALUES ('optimize')")
            try db.execute(sql: "VACUUM")
            // The row is (busy, frames in the log, frames copied). The background WAL checkpointer
            // may hold the checkpoint lock at this moment, and then SQLite answers busy at once,
            // copying nothing: the old pages would stay in the file. Try again until it is done.
            for attempt in 0..<100 {
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                if let row, row[0] as Int == 0 { return }
                if attempt == 99 { throw AgentStateError(.unavailable, "the log could not be emptied after re-sealing; run it again") }
                usleep(20_000)
            }
        }
    }
}

extension SQLiteTransaction {
    func reseal(_ table: SealedTable, after cursor: [String]?, limit: Int) throws -> ResealBatch {
        guard keyRing != nil else {
            throw AgentStateError(.invalidInput, "re-sealing needs a data key ring (AGENTSTATE_DATA_KEYS or AGENTSTATE_DATA_KEYS_FILE)", field: "data_keys")
        }
        // Here messages are keyed by one integer (`MessageID`).
        let table = table.name == "messages" ? SealedTable("messages", keys: ["id"], integers: ["id"], sealed: table.sealed) : table
        let keys = table.keys.map(\.name).joined(separator: ", ")
        var sql = "SELECT \(keys), \(table.sealed.joined(separator: ", ")) FROM \(table.name)"
        var args: StatementArguments = []
        if let cursor {
            sql += " WHERE (\(keys)) > (\(table.keys.map { _ in "?" }.joined(separator: ", ")))"
            for (column, value) in zip(table.keys, cursor) {
                if column.isInteger { args += [Int64(value) ?? 0] } else { args += [value] }
            }
        }
        sql += " ORDER BY \(keys) LIMIT ?"
        args += [limit]
        let found = try rows(sql, args)
        var resealed = 0
        let match = table.keys.map { "\($0.name) = ?" }.joined(separator: " AND ")
        for row in found {
            let keyValues: [DatabaseValue] = (0..<table.keys.count).map { row[$0] }
            let stored: [String?] = (0..<table.sealed.count).map { row[table.keys.count + $0] }
            guard let values = try resealedValues(stored) else { continue }
            if table.isMemory, let doc = stored[0] {
                try saveMemory(try StoredDocument.decode(MemoryItem.self, open(doc)))
            } else {
                try execute("UPDATE \(table.name) SET \(table.sealed.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(match)",
                            StatementArguments(values.map(\.databaseValue) + keyValues))
            }
            resealed += 1
        }
        let next = found.count < limit ? nil : found.last.map { row in
            (0..<table.keys.count).map { i in
                table.keys[i].isInteger ? String(row[i] as Int64) : (row[i] as String)
            }
        }
        return ResealBatch(visited: found.count, resealed: resealed, cursor: next)
    }
}
