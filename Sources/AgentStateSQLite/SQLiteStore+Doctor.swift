import AgentState
import Foundation
import GRDB

extension SQLiteStore {
    /// What `agentstate doctor` reports about the file: its journal, its durability, who can
    /// read it, and the room left on its disk.
    public func deploymentFindings() async throws -> [DeploymentFinding] {
        let component = "sqlite \(path)"
        var out: [DeploymentFinding] = []
        let (journal, synchronous) = try await pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
        out.append(journal.lowercased() == "wal"
            ? DeploymentFinding(component, "journal_mode", .ok, "wal: readers never wait for the writer")
            : DeploymentFinding(component, "journal_mode", .warning, journal, advice: "the store sets WAL itself; another program changed it"))
        switch synchronous {
        case 2, 3: out.append(DeploymentFinding(component, "synchronous", .ok, "FULL: an fsync per commit survives power loss"))
        case 1: out.append(DeploymentFinding(component, "synchronous", .ok,
                                             "NORMAL: survives a crash of the process; the last commits can be lost to a power cut (use ?durability=strict to fsync each)"))
        default: out.append(DeploymentFinding(component, "synchronous", .failure, "OFF: a crash can corrupt the file", advice: "open the store without overriding synchronous"))
        }

        // The database and the files SQLite keeps beside it hold the same state.
        let files = [path] + Self.companions(of: path)
        let modes = files.compactMap { file in
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? NSNumber).map { (file, $0.intValue & 0o777) }
        }
        let open = modes.filter { $0.1 & 0o077 != 0 }
        if !open.isEmpty {
            let reach = open.contains { $0.1 & 0o022 != 0 } ? "read and change" : "read"
            let named = open.map { "\($0.0) (mode \(String($0.1, radix: 8)))" }.joined(separator: ", ")
            out.append(DeploymentFinding(component, "permissions", .warning, "other users of the host can \(reach) the state: \(named)",
                                         advice: "chmod 600 \(files.joined(separator: " "))"))
        } else if let main = modes.first {
            let names = modes.map { URL(fileURLWithPath: $0.0).lastPathComponent }.joined(separator: ", ")
            out.append(DeploymentFinding(component, "permissions", .ok, "mode \(String(main.1, radix: 8)) (\(names)): the owner only"))
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if let free = (try? FileManager.default.attributesOfFileSystem(forPath: directory))?[.systemFreeSize] as? NSNumber {
            let gib = free.doubleValue / 1_073_741_824
            let detail = "\((gib * 10).rounded() / 10) GiB free on the volume"
            out.append(gib < 1
                ? DeploymentFinding(component, "disk", .warning, detail, advice: "free space: a full disk stops every write")
                : DeploymentFinding(component, "disk", .ok, detail))
        }
        return out
    }
}
