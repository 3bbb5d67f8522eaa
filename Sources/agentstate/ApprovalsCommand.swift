import AgentState
import ArgumentParser
import Foundation

struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "See what waits for a person, and decide it.", subcommands: [List.self, Approve.self, Reject.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List approvals, pending ones by default, oldest first.")
        @OptionGroup var options: StoreOptions
        @Flag(help: "Only pending approvals past their deadline.") var overdue = false
        @Option(help: "Only approvals in this status (\(ApprovalStatus.allCases.map(\.rawValue).joined(separator: ", "))); pending by default.")
        var status: String?
        @Option(help: "Only approvals for this approver.") var approver: String?
        @OptionGroup var paging: PageOptions

        mutating func run() async throws {
            let status: ApprovalStatus = try parseChoice(status, field: "status") ?? .pending
            let query = ApprovalQuery(status: status, approver: approver, overdue: overdue, limit: paging.limit, cursor: paging.cursor)
            let page = try await options.using { store, tenant in try await store.approvals(tenant, query) }
            try options.show(page, ["ID", "RUN", "STATUS", "APPROVER", "ASKED", "DEADLINE", "REASON"]) { a in
                [a.id, a.runId, a.status.rawValue, a.approver ?? a.group.map { "group \($0)" } ?? "-", Output.time(a.createdAt),
                 Output.time(a.expiresAt), a.reason]
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve: the run goes on to its next step.")
        @OptionGroup var decision: DecisionOptions
        mutating func run() async throws { try await decision.decide(.approved) }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject: the run's worker is told, and goes on as its workflow says.")
        @OptionGroup var decision: DecisionOptions
        mutating func run() async throws { try await decision.decide(.rejected) }
    }
}

struct DecisionOptions: ParsableArguments {
    @OptionGroup var options: StoreOptions
    @Argument(help: "The approval's id.") var id: String
    @Option(help: "Who decides (env USER by default).") var by: String?
    @Option(help: "Why, kept with the decision.") var comment: String?

    func decide(_ decision: ApprovalDecision) async throws {
        let by = by ?? ProcessInfo.processInfo.environment["USER"] ?? "cli"
        let decided = try await options.using { [id, comment] store, tenant in
            try await store.decide(tenant, id, Decision(decision, by: by, comment: comment))
        }
        try options.show(decided) { "\($0.id) \($0.status.rawValue) by \(by); run \($0.runId) goes on" }
    }
}
