import AgentState
import AgentStateServer
import ArgumentParser
import Foundation

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Show or set how long a tenant keeps finished sessions and runs.", subcommands: [Show.self, Set.self, Run.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the tenant's retention policy.")
        @OptionGroup var options: StoreOptions

        mutating func run() async throws {
            let policy = try await options.using { store, tenant in try await store.retentionPolicy(tenant) }
            try options.show(policy, RetentionCommand.describe)
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the tenant's retention policy; a kind left out is kept for good. The server archives and removes what it lets go.")
        @OptionGroup var options: StoreOptions
        @Option(help: "Days a closed or expired session is kept after its last change.") var sessionsDays: Int?
        @Option(help: "Days a completed or cancelled run is kept after its last change.") var runsDays: Int?

        mutating func run() async throws {
            let update = RetentionUpdate(sessionsDays: sessionsDays, runsDays: runsDays)
            let policy = try await options.using { store, tenant in try await store.setRetentionPolicy(tenant, update) }
            try options.show(policy, RetentionCommand.describe)
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive and remove now what every tenant's policy lets go, as the server does every 10 minutes.")
        @OptionGroup var options: StoreOptions
        @Option(help: "Where the gzip JSON Lines go (as serve reads archive_dir: AGENTSTATE_ARCHIVE_DIR, then the AGENTSTATE_CONFIG file; ./agentstate-archive by default).") var archiveDir: String?

        mutating func run() async throws {
            let directory = try archiveDir ?? Settings(environment: ProcessInfo.processInfo.environment).text("archive_dir") ?? "./agentstate-archive"
            let bar = ProgressBar(label: "archiving")
            defer { bar.finish() }
            let reports = try await options.using { store, _ in
                try await RetentionPass(store: store, directory: directory).runAll { bar.show(count: $0, of: "records") }
            }
            bar.finish()
            try options.show(reports) { reports in
                guard !reports.isEmpty else { return "no tenant has a retention policy" }
                return reports.map { r in
                    "tenant '\(r.tenantId)': archived \(r.archived) records\(r.archive.map { " to \(directory)/\($0)" } ?? "")"
                }.joined(separator: "\n")
            }
        }
    }

    static func describe(_ p: RetentionPolicy) -> String {
        func days(_ d: Int?) -> String { d.map { "\($0) days" } ?? "for good" }
        return "tenant '\(p.tenantId)': finished sessions kept \(days(p.sessionsDays)), finished runs kept \(days(p.runsDays))"
    }
}
