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
                    ["<a href=\"/ui/sessions/\(HTML.query(s.id))\">\(HTML.escape(s.id))</a>", HTML.escape(s.title ?? "–"), HTML.escape(s.userId ?? "–"),
                     HTML.status(s.status.rawValue), String(s.lastSeq), HTML.time(s.lastActivityAt)]
                }
                let next = page.nextCursor.map { "<p><a href=\"/ui/sessions?cursor=\(HTML.query($0))\">Next page →</a></p>" } ?? ""
                return HTML.page("Sessions", session: session, """
                    <form class="filters" method="get" action="/ui/sessions"><input name="user" placeholder="user id" value="\(HTML.escape(request.queryValue("user") ?? ""))">
                    <select name="status" aria-label="status"><option value="">any status</option>\(SessionStatus.allCases.map { "<option\(status == $0 ? " selected" : "")>\($0.rawValue)</option>" }.joined())</select>
                    <button type="submit">Filter</button></form>
                    \(HTML.table(["Session", "Title", "User", "Status", "Messages", "Last activity"], rows, empty: "No sessions match."))
                    \(next)
                    """)
            }
        }
        ui.get("sessions/:id") { request, context in
            try await signedIn(request, context) { session, _ in
                try await sessionPage(session, id: try context.parameters.require("id"))
            }
        }
    }

    private func sessionPage(_ session: UISession, id: String) async throws -> Response {
        let s = try await store.session(session.tenant, id)
        let window = try await store.messages(session.tenant, id, .last(200))
        let transcript = window.messages.map { m -> String in
            let calls = (m.toolCalls ?? []).map { call in
                "<div class=\"call\"><span class=\"role\">calls \(HTML.escape(call.name))</span> <code>\(HTML.escape(call.id))</code><pre>\(HTML.escape(call.arguments))</pre></div>"
            }.joined()
            let answers = m.toolCallId.map { " answering <code>\(HTML.escape($0))</code>" + (m.name.map { " (" + HTML.escape($0) + ")" } ?? "") } ?? ""
            return """
                <div class="msg \(m.role == .tool ? "tool" : "")"><span class="role">#\(m.seq) \(m.role.rawValue)\(answers)</span> · \(HTML.time(m.createdAt))
                <pre>\(HTML.escape(m.content))</pre>\(calls)</div>
                """
        }.joined(separator: "\n")
        let older = window.messages.first.map { $0.seq > 1 ? "<p class=\"empty\">The \(window.messages.count) newest messages of \(s.lastSeq).</p>" : "" } ?? ""
        return HTML.page("Session \(id)", session: session, """
            <dl class="facts">
            <dt>Status</dt><dd>\(HTML.status(s.status.rawValue))</dd>
            <dt>Title</dt><dd>\(HTML.escape(s.title ?? "–"))</dd>
            <dt>User · agent</dt><dd>\(HTML.escape(s.userId ?? "–")) · \(HTML.escape(s.agentId ?? "–"))</dd>
            <dt>Messages</dt><dd>\(s.lastSeq)</dd>
            <dt>Summary</dt><dd>\(s.summary.map { "<pre>\(HTML.escape($0.text))</pre>(through message \($0.throughSeq))" } ?? "–")</dd>
            <dt>Context</dt><dd>\(HTML.json(s.context))</dd>
            </dl>
            <h2>Transcript</h2>\(older)\(transcript.isEmpty ? "<p class=\"empty\">No messages yet.</p>" : transcript)
            """)
    }
}
