import AgentState
import Foundation
import PostgresNIO

extension PostgresStore: DataResealing {
    public func sealedRowCounts() async throws -> [String: Int] {
        try await read { tx in
            var counts: [String: Int] = [:]
            for table in SealedTable.all {
                counts[table.name] = Int(try tx.row("SELECT count(*) FROM \(table.name)", [])?[0].decode(Int64.self) ?? 0)
            }
            return counts
        }
    }

    public func reseal(_ table: SealedTable, after cursor: [String]?, limit: Int) async throws -> ResealBatch {
        try await write { tx in try tx.reseal(table, after: cursor, limit: limit) }
    }
}

extension PostgresTransaction {
    /// The batch's rows are locked until it commits, so a write racing the walk waits rather than
    /// being overwritten by an older value.
    func reseal(_ table: SealedTable, after cursor: [String]?, limit: Int) throws -> ResealBatch {
        guard keyRing != nil else {
            throw AgentStateError(.invalidInput, "re-sealing needs a data key ring (AGENTSTATE_DATA_KEYS or AGENTSTATE_DATA_KEYS_FILE)", field: "data_keys")
        }
        let keys = table.keys.map(\.name).joined(separator: ", ")
        var sql = "SELECT \(keys), \(table.sealed.joined(separator: ", ")) FROM \(table.name)"
        var args: [any SQLBindable] = []
        if let cursor {
            sql += " WHERE (\(keys)) > (\(table.keys.indices.map { "$\($0 + 1)" }.joined(separator: ", ")))"
            for (column, value) in zip(table.keys, cursor) {
                if column.isInteger { args.append(Int64(value) ?? 0) } else { args.append(value) }
            }
        }
        sql += " ORDER BY \(keys) LIMIT $\(args.count + 1)" + lock
        let found = try rows(sql, args + [limit])
        var resealed = 0
        var last: [String]?
        for row in found {
            let keyValues: [String] = try table.keys.indices.map { i in
                table.keys[i].isInteger ? String(try row[i].decode(Int64.self)) : try row[i].decode(String.self)
            }
            last = keyValues
            let stored: [String?] = try table.sealed.indices.map { try row[table.keys.count + $0].decode(String?.self) }
            guard let sealed = try resealedValues(stored) else { continue }
            if table.isMemory, let doc = stored[0] {
                try saveMemory(try StoredDocument.decode(MemoryItem.self, open(doc)))
            } else {
                var values: [any SQLBindable] = sealed
                let sets = table.sealed.indices.map { "\(table.sealed[$0]) = $\($0 + 1)" }.joined(separator: ", ")
                let match = table.keys.indices.map { "\(table.keys[$0].name) = $\(values.count + $0 + 1)" }.joined(separator: " AND ")
                for (column, value) in zip(table.keys, keyValues) {
                    if column.isInteger { values.append(Int64(value) ?? 0) } else { values.append(value) }
                }
                execute("UPDATE \(table.name) SET \(sets) WHERE \(match)", values)
            }
            resealed += 1
        }
        return ResealBatch(visited: found.count, resealed: resealed, cursor: found.count < limit ? nil : last)
    }
}
