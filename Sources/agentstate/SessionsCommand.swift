import AgentState
import ArgumentParser
import Foundation

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sessions", abstract: "Inspect conversations.", subcommands: [List.self, Show.self, Export.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions, newest first.")

        @OptionGroup var options: StoreOptions
        @Option(help: "Only this user's sessions.") var user: String?
        @Option(help: "Only sessions in this status (active, closed, expired).") var status: String?
        @OptionGroup var paging: PageOptions

        mutating func run() async throws {
            let status: SessionStatus? = try parseChoice(status, field: "status")
            let query = SessionQuery(userId: user, status: status, limit: paging.limit, cursor: paging.cursor)
            let page = try await options.using { store, tenant in try await store.sessions(tenant, query) }
            try options.show(page, ["ID", "USER", "STATUS", "MESSAGES", "TITLE", "CREATED"]) { s in
                [s.id, s.userId ?? "-", s.status.rawValue, String(s.lastSeq), s.title ?? "-", Output.time(s.createdAt)]
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a session and its latest messages.")

        @OptionGroup var options: StoreOptions
        @Argument(help: "The session's id.") var id: String
        @Option(help: "How many recent messages to show.") var last = 20

        struct Detail: Encodable {
            var session: Session
            var window: MessageWindow
        }

        mutating func run() async throws {
            let detail = try await options.using { [id, last] store, tenant in
                Detail(session: try await store.session(tenant, id), window: try await store.messages(tenant, id, .last(last)))
            }
            if options.json { return print(try Output.json(detail)) }
            let s = detail.session
            print("session \(s.id)  user \(s.userId ?? "-")  \(s.status.rawValue)  \(s.lastSeq) messages")
            if let summary = detail.window.summary { print("summary (through #\(summary.throughSeq)): \(summary.text)") }
            for m in detail.window.messages {
                let calls = (m.toolCalls ?? []).map { " → \($0.name)(\($0.arguments))" }.joined()
                let tool = m.toolCallId.map { " [\($0)]" } ?? ""
                print("#\(m.seq) \(m.role.rawValue)\(tool): \(m.content)\(calls)")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a whole session as JSON Lines: the session first, then every message, oldest first.")

        @OptionGroup var options: StoreOptions
        @Argument(help: "The session's id.") var id: String

        mutating func run() async throws {
            let bar = ProgressBar(label: "exporting")
            defer { bar.finish() }
            try await options.using { [id] store, tenant in
                let session = try await store.session(tenant, id)
                let out = FileHandle.standardOutput
                out.write(Data((try Output.line(session) + "\n").utf8))
                var after: Int64 = 0
                while true {
                    let page = try await store.messages(tenant, id, .after(seq: after, limit: 500)).messages
                    var lines = ""
                    for m in page { lines += try Output.line(m) + "\n" }
                    out.write(Data(lines.utf8))
                    after = page.last?.seq ?? after
                    bar.show(Int(after), of: Int(max(session.lastSeq, after)))
                    if page.count < 500 { break }
                }
            }
        }
    }
}
