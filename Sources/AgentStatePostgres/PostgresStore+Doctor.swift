import AgentState

extension PostgresStore {
    /// What `agentstate doctor` reports about the database: durability settings, room for
    /// connections, and the schema.
    public func deploymentFindings() async throws -> [DeploymentFinding] {
        let c = configuration
        let component = "postgres \(c.host):\(c.port)/\(c.database)"
        let settings = try await unsafeRows("""
            SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync'),
                   current_setting('max_connections'), current_setting('superuser_reserved_connections'),
                   (SELECT count(*) FROM pg_stat_activity)::text
            """)[0]
        var out: [DeploymentFinding] = []
        out.append(DeploymentFinding(component, "version", .ok, "PostgreSQL \(settings[0] ?? "?")"))
        switch settings[1] ?? "" {
        case "on", "remote_apply":
            out.append(DeploymentFinding(component, "synchronous_commit", .ok, settings[1]!))
        case "off":
            out.append(DeploymentFinding(component, "synchronous_commit", .failure, "off: a crash of PostgreSQL loses commits already acknowledged",
                                         advice: "set synchronous_commit = on"))
        case let other:
            out.append(DeploymentFinding(component, "synchronous_commit", .warning, "\(other): commits are acknowledged before a standby has them on disk",
                                         advice: "set synchronous_commit = on (or remote_apply with synchronous standbys)"))
        }
        if settings[2] == "off" {
            out.append(DeploymentFinding(component, "fsync", .failure, "off: a power cut can corrupt the database", advice: "set fsync = on"))
        } else {
            out.append(DeploymentFinding(component, "fsync", .ok, "on"))
        }
        let allowed = (Int(settings[3] ?? "") ?? 0) - (Int(settings[4] ?? "") ?? 0)
        let inUse = Int(settings[5] ?? "") ?? 0
        let perServer = c.poolSize + 1
        let detail = "\(inUse) of \(allowed) connections in use; each server opens up to \(perServer) (pool \(c.poolSize) and one for change notices)"
        if allowed - inUse < perServer {
            out.append(DeploymentFinding(component, "connections", .failure, detail,
                                         advice: "raise max_connections, lower ?pool=, or put PgBouncer (transaction mode) in front"))
        } else if allowed / perServer < 4 {
            out.append(DeploymentFinding(component, "connections", .warning, detail + ": room for \(allowed / perServer) servers",
                                         advice: "raise max_connections or lower ?pool= before scaling out"))
        } else {
            out.append(DeploymentFinding(component, "connections", .ok, detail))
        }
        let applied = try await appliedMigrations()
        let missing = PostgresSchema.migrations.map(\.version).filter { !applied.contains($0) }
        out.append(missing.isEmpty
            ? DeploymentFinding(component, "schema", .ok, "schema '\(c.schema)' at \(applied.last ?? "-")")
            : DeploymentFinding(component, "schema", .failure, "schema '\(c.schema)' lacks \(missing.joined(separator: ", "))", advice: "run agentstate migrate"))
        return out
    }
}
