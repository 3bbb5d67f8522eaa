import AgentState
import Foundation
import PostgresNIO

/// What one upkeep of the partitions did.
public struct PartitionReport: Sendable, Equatable {
    /// Partitions made, by name (`messages_y2027m01`).
    public var created: [String] = []
    /// Partitions of months past that retention had emptied, detached and dropped.
    public var dropped: [String] = []
    /// Months that stay in the default partition, which already holds rows of them.
    public var skipped: [String] = []

    public init() {}
}

extension PostgresStore {
    /// The tables that grow without end, partitioned by month on a time in milliseconds.
    static let partitionedTables = ["messages", "events", "audit"]

    /// How many months ahead partitions are made: one, since an upkeep runs every hour, and each
    /// partition more is one more index that a read by session or stream (which cannot tell the
    /// month) looks into.
    static let monthsAhead = 1

    /// Makes the partitions of this month and the next for messages, events and the audit trail,
    /// so rows never land in the default partition; and drops those of months before the
    /// last that hold no row any more. A partition is never dropped with rows in it: retention
    /// archives and purges records one by one (a live session's old messages keep their month),
    /// and an emptied month is then let go whole. Servers run it at start and every hour; several
    /// at once take turns.
    public func keepPartitions() async throws -> PartitionReport {
        let schema = configuration.schema
        let now = clock.now()
        var report = PartitionReport()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let thisMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        for table in Self.partitionedTables {
            for ahead in 0...Self.monthsAhead {
                let start = calendar.date(byAdding: .month, value: ahead, to: thisMonth)!
                let end = calendar.date(byAdding: .month, value: 1, to: start)!
                let name = Self.partitionName(table, start, calendar)
                do {
                    let made = try await write { tx in
                        guard try !Self.partitionExists(name, schema: schema, tx) else { return false }
                        tx.execute("""
                            CREATE TABLE \(name) PARTITION OF \(table) FOR VALUES FROM (\(start.millisecondsSince1970)) TO (\(end.millisecondsSince1970))
                            """)
                        return true
                    }
                    if made { report.created.append(name) }
                } catch let error as PostgresServerError where error.sqlState == "23514" {
                    // The default partition already holds rows of this month (a store that ran
                    // before partitions were kept): they stay there.
                    report.skipped.append(name)
                }
            }
            let lastMonth = calendar.date(byAdding: .month, value: -1, to: thisMonth)!
            for (name, start) in try await monthlyPartitions(of: table, calendar) where start < lastMonth {
                let dropped = try await write { tx in
                    guard try Self.partitionExists(name, schema: schema, tx), try tx.rows("SELECT 1 FROM \(name) LIMIT 1", []).isEmpty
                    else { return false }
                    tx.execute("ALTER TABLE \(table) DETACH PARTITION \(name)")
                    tx.execute("DROP TABLE \(name)")
                    return true
                }
                if dropped { report.dropped.append(name) }
            }
        }
        return report
    }

    /// Whether the partition exists, asked once the transaction holds the schema's partition
    /// lock: servers keeping partitions at once take turns, and each sees what the last made.
    private static func partitionExists(_ name: String, schema: String, _ tx: PostgresTransaction) throws -> Bool {
        tx.execute("SELECT pg_advisory_xact_lock(hashtext('agentstate.partitions.' || $1))", [schema])
        return try tx.rows("SELECT to_regclass($1)::text", ["\(schema).\(name)"]).first?[0].decode(String?.self) != nil
    }

    /// `messages_y2027m01`: the table and the month, sortable.
    static func partitionName(_ table: String, _ month: Date, _ calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month], from: month)
        return String(format: "%@_y%04dm%02d", table, c.year!, c.month!)
    }

    /// The monthly partitions of a table that this upkeep made, with the month each holds.
    func monthlyPartitions(of table: String, _ calendar: Calendar) async throws -> [(name: String, month: Date)] {
        let schema = configuration.schema
        let names = try await read { tx in
            try tx.rows("""
                SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass($1) ORDER BY 1
                """, ["\(schema).\(table)"]).map { try $0[0].decode(String.self) }
        }
        return names.compactMap { name in
            let suffix = name.dropFirst(table.count)
            guard suffix.count == 9, suffix.hasPrefix("_y"), let year = Int(suffix.dropFirst(2).prefix(4)),
                  suffix.dropFirst(6).first == "m", let month = Int(suffix.suffix(2)),
                  let date = calendar.date(from: DateComponents(year: year, month: month)) else { return nil }
            return (name, date)
        }
    }
}
