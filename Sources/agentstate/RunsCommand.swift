import AgentState
import ArgumentParser
import Foundation

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "Inspect runs, replay and fork them, cancel and delete them.", subcommands: [List.self, Show.self, Events.self, Replay.self, Fork.self, Cancel.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")

        @OptionGroup var options: StoreOptions
        @Option(help: "Only runs in this status (\(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))).") var status: String?
        @Option(help: "Only runs owned by this person or worker.") var owner: String?
        @Option(help: "Only runs of this workflow.") var workflow: String?
        @OptionGroup var paging: PageOptions

        mutating func run() async throws {
            let status: RunStatus? = try parseChoice(status, field: "status")
            let query = RunQuery(status: status, owner: owner, workflow: workflow, limit: paging.limit, cursor: paging.cursor)
            let page = try await options.using { store, tenant in try await store.runs(tenant, query) }
            try options.show(page, ["ID", "WORKFLOW", "STATUS", "STEP", "OWNER", "UPDATED", "LAST ERROR"]) { r in
                [r.id, r.workflow, r.status.rawValue, r.currentStep ?? "-", r.owner ?? "-", Output.time(r.updatedAt),
                 r.lastError.map { "\($0.kind): \($0.message)" } ?? "-"]
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one run: its status, steps, effects and approvals.")

        @OptionGroup var options: StoreOptions
        @Argument(help: "The run's id.") var id: String

        struct Detail: Encodable {
            var run: Run
            var steps: [Step]
            var approvals: [Approval]
        }

        mutating func run() async throws {
            let detail = try await options.using { [id] store, tenant in
                Detail(run: try await store.run(tenant, id), steps: try await store.steps(tenant, id),
                       approvals: try await store.approvals(tenant, ApprovalQuery(runId: id, limit: 100)).items)
            }
            if options.json { return print(try Output.json(detail)) }
            let r = detail.run
            print("""
                run       \(r.id)  (\(r.workflow))
                status    \(r.status.rawValue)\(r.lease.map { "  held by \($0.holder) until \(Output.time($0.expiresAt))" } ?? "")
                step      \(r.currentStep ?? "-")
                owner     \(r.owner ?? "-")
                retries   \(r.retryCount)
                error     \(r.lastError.map { "\($0.kind): \($0.message)" } ?? "-")
                usage     \(r.usage.tokensIn) in / \(r.usage.tokensOut) out tokens, \(r.usage.toolCalls) tool calls
                created   \(Output.time(r.createdAt))   updated \(Output.time(r.updatedAt))
                """)
            if !detail.steps.isEmpty {
                print("\n" + Output.table(["#", "STEP", "STATUS", "ATTEMPTS", "FINISHED"], detail.steps.map { s in
                    [String(s.index + 1), s.name, s.status.rawValue, String(s.attempts), Output.time(s.finishedAt)]
                }))
            }
            if !detail.approvals.isEmpty {
                print("\n" + Output.table(["APPROVAL", "STATUS", "APPROVER", "DEADLINE", "REASON"], detail.approvals.map { a in
                    [a.id, a.status.rawValue, a.approver ?? a.group ?? "-", Output.time(a.expiresAt), a.reason]
                }))
            }
        }
    }
}
