import AgentState
import Foundation
import Hummingbird

extension OperatorPage {
    func addSessionPages(to ui: RouterGroup<AppRequestContext>) {
        ui.get("sessions") { request, context in
            try await signedIn(request, context) { session, _ in
                let status = request.queryValue("status").flatMap(SessionStatus.init(rawValue:))
                let page = try await store.sessions(session.tenant, SessionQuery(userId: request.queryValue("user"), status: status, limit: 50, cursor: request.queryValue("cursor")))
                let rows = page.items.map { s in
                    SessionRow(path: HTML.query(s.id), id: s.id, title: s.title ?? "–", user: s.userId ?? "–", status: s.status.rawValue,
                               messages: s.lastSeq, active: HTML.time(s.lastActivityAt))
                }
                return HTML.page("Sessions", session: session, "sessions", Sessions(
                    user: request.queryValue("user") ?? "", statuses: SessionStatus.allCases.map { StatusOption(name: $0.rawValue, selected: status == $0) },
                    sessions: rows, next: page.nextCursor.map(HTML.query)))
            }
        }
        ui.get("sessions/:id") { request, context in
            try await signedIn(request, context) { session, _ in
                try await sessionPage(session, id: try context.parameters.require("id"))
            }
        }
    }

    private struct StatusOption {
        let name: String
        let selected: Bool
    }

    private struct SessionRow {
        let path: String
        let id: String
        let title: String
        let user: String
        let status: String
        let messages: Int64
        let active: HTML.Time
    }

    private struct Sessions {
        let user: String
        let statuses: [StatusOption]
        let sessions: [SessionRow]
        let next: String?
    }

    private struct Answering {
        let id: String
        let name: String?
    }

    private struct Call {
        let name: String
        let id: String
        let arguments: String
    }

    private struct MessageRow {
        let tool: Bool
        let seq: Int64
        let role: String
        let answering: Answering?
        let at: HTML.Time
        let content: String
        let calls: [Call]
    }

    private struct Older {
        let shown: Int
        let of: Int64
    }

    private struct SummaryView {
        let text: String
        let throughSeq: Int64
    }

    private struct SessionView {
        let status: String
        let title: String
        let user: String
        let agent: String
        let lastSeq: Int64
        let summary: SummaryView?
        let context: String?
        let older: Older?
        let messages: [MessageRow]
    }

    private func sessionPage(_ session: UISession, id: String) async throws -> Response {
        let s = try await store.session(session.tenant, id)
        let window = try await store.messages(session.tenant, id, .last(200))
        let messages = window.messages.map { m in
            MessageRow(tool: m.role == .tool, seq: m.seq, role: m.role.rawValue, answering: m.toolCallId.map { Answering(id: $0, name: m.name) },
                       at: HTML.time(m.createdAt), content: m.content,
                       calls: (m.toolCalls ?? []).map { Call(name: $0.name, id: $0.id, arguments: $0.arguments) })
        }
        let older = window.messages.first.flatMap { $0.seq > 1 ? Older(shown: window.messages.count, of: s.lastSeq) : nil }
        return HTML.page("Session \(id)", session: session, "session", SessionView(
            status: s.status.rawValue, title: s.title ?? "–", user: s.userId ?? "–", agent: s.agentId ?? "–", lastSeq: s.lastSeq,
            summary: s.summary.map { SummaryView(text: $0.text, throughSeq: $0.throughSeq) }, context: HTML.json(s.context), older: older,
            messages: messages))
    }
}
