import AgentState
import Foundation
import Hummingbird

extension OperatorPage {
    func addRunPages(to ui: RouterGroup<AppRequestContext>) {
        ui.get("runs") { request, context in
            try await signedIn(request, context) { session, _ in try await runsPage(request, session) }
        }
        ui.get("runs/:id") { request, context in
            try await signedIn(request, context) { session, _ in
                try await runPage(session, id: try context.parameters.require("id"), at: request.queryValue("at").flatMap { Int64($0) })
            }
        }
        ui.post("runs/:id/cancel") { request, context in
            try await signedIn(request, context, form: true) { session, form in
                let id = try context.parameters.require("id")
                _ = try await store.transition(session.tenant, id, RunTransition(to: .cancelled, reason: form["reason"].flatMap { $0.isEmpty ? nil : $0 }))
                return HTML.redirect("/ui/runs/\(HTML.query(id))")
            }
        }
        ui.post("runs/:id/fork") { request, context in
            try await signedIn(request, context, form: true) { session, form in
                guard Permission.write.allowed(for: session.key.role) else {
                    return errorPage(session, "Forking a run starts new work: it takes an admin key.", status: .forbidden)
                }
                guard let seq = form["at"].flatMap({ Int64($0) }) else { return errorPage(session, "Pick the event to fork at.", status: .unprocessableContent) }
                let fork = try await store.fork(session.tenant, try context.parameters.require("id"), at: .seq(seq), newId: nil)
                return HTML.redirect("/ui/runs/\(HTML.query(fork.id))")
            }
        }
    }

    private func runsPage(_ request: Request, _ session: UISession) async throws -> Response {
        let status = request.queryValue("status").flatMap(RunStatus.init(rawValue:))
        let owner = request.queryValue("owner"), workflow = request.queryValue("workflow")
        let page = try await store.runs(session.tenant, RunQuery(status: status, owner: owner, workflow: workflow, limit: 50, cursor: request.queryValue("cursor")))
        let counts = try await store.statistics(tenant: session.tenant).runsByStatus
        func link(_ s: RunStatus?) -> String {
            var q: [String] = []
            if let s { q.append("status=\(s.rawValue)") }
            if let owner { q.append("owner=\(HTML.query(owner))") }
            if let workflow { q.append("workflow=\(HTML.query(workflow))") }
            return "/ui/runs" + (q.isEmpty ? "" : "?" + q.joined(separator: "&"))
        }
        let total = counts.values.reduce(0, +)
        let chips = (["<a href=\"\(link(nil))\" class=\"\(status == nil ? "on" : "")\">all \(total)</a>"] + RunStatus.allCases.map { s in
            "<a href=\"\(HTML.escape(link(s)))\" class=\"\(status == s ? "on" : "")\">\(s.rawValue) \(counts[s.rawValue] ?? 0)</a>"
        }).joined()
        let rows = page.items.map { r in
            [
                "<a href=\"/ui/runs/\(HTML.query(r.id))\">\(HTML.escape(r.id))</a>", HTML.escape(r.workflow), HTML.status(r.status.rawValue),
                HTML.escape(r.currentStep ?? "–"), HTML.escape(r.owner ?? "–"),
                r.lastError.map { "<strong>\(HTML.escape($0.kind))</strong>: \(HTML.escape($0.message))" } ?? "–", HTML.time(r.updatedAt),
            ]
        }
        let next = page.nextCursor.map { cursor in
            let base = link(status)
            return "<p><a href=\"\(HTML.escape(base + (base.contains("?") ? "&" : "?") + "cursor=" + HTML.query(cursor)))\">Next page →</a></p>"
        } ?? ""
        return HTML.page("Runs", session: session, """
            <div class="counts">\(chips)</div>
            <form class="filters" method="get" action="/ui/runs">
            \(status.map { "<input type=\"hidden\" name=\"status\" value=\"\($0.rawValue)\">" } ?? "")
            <input name="owner" placeholder="owner" value="\(HTML.escape(owner ?? ""))">
            <input name="workflow" placeholder="workflow" value="\(HTML.escape(workflow ?? ""))">
            <button type="submit">Filter</button></form>
            \(HTML.table(["Run", "Workflow", "Status", "Current step", "Owner", "Last error", "Updated"], rows, empty: "No runs match."))
            \(next)
            """)
    }

    private func runPage(_ session: UISession, id: String, at: Int64?) async throws -> Response {
        let t = session.tenant
        let events = try await allEvents(t, stream: EventStream.run(id))
        // Replaying to an event shows the run as it stood then, rebuilt from its log.
        let shown: (run: Run, steps: [Step], effects: [Effect], approvals: [Approval])
        if let at {
            let snapshot = try await store.runState(t, id, at: .seq(at))
            shown = (snapshot.run, snapshot.steps, snapshot.effects, snapshot.approvals)
        } else {
            let run = try await store.run(t, id)
            // The store lists no run's effects; its log says which were begun.
            let effects = run.eventSeq > 0 ? try await store.runState(t, id, at: .seq(run.eventSeq)).effects : []
            shown = (run, try await store.steps(t, id), effects, try await store.approvals(t, ApprovalQuery(runId: id, limit: 100)).items)
        }
        let run = shown.run
        let facts = """
            <dl class="facts">
            <dt>Status</dt><dd>\(HTML.status(run.status.rawValue))\(run.waitReason.map { " – " + HTML.escape($0) } ?? "")</dd>
            <dt>Workflow</dt><dd>\(HTML.escape(run.workflow))</dd>
            <dt>Current step</dt><dd>\(HTML.escape(run.currentStep ?? "–"))</dd>
            <dt>Owner</dt><dd>\(HTML.escape(run.owner ?? "–"))</dd>
            <dt>Worker</dt><dd>\(run.lease.map { "\(HTML.escape($0.holder)), lease until \(HTML.time($0.expiresAt))" } ?? "–")</dd>
            <dt>Last error</dt><dd>\(run.lastError.map { "<strong>\(HTML.escape($0.kind))</strong>: \(HTML.escape($0.message))" } ?? "–") \(run.retryCount > 0 ? "(\(run.retryCount) retries)" : "")</dd>
            <dt>Session</dt><dd>\(run.sessionId.map { "<a href=\"/ui/sessions/\(HTML.query($0))\">\(HTML.escape($0))</a>" } ?? "–")</dd>
            <dt>Forked from</dt><dd>\(run.forkedFrom.map { "<a href=\"/ui/runs/\(HTML.query($0.runId))?at=\($0.eventSeq)\">\(HTML.escape($0.runId)) at event \($0.eventSeq)</a>" } ?? "–")</dd>
            <dt>Created · updated</dt><dd>\(HTML.time(run.createdAt)) · \(HTML.time(run.updatedAt))</dd>
            <dt>Input</dt><dd>\(HTML.json(run.input))</dd>
            <dt>Output</dt><dd>\(HTML.json(run.output))</dd>
            </dl>
            """
        let steps = HTML.table(["#", "Step", "Status", "Attempts", "Result or error"], shown.steps.map { s in
            [String(s.index), HTML.escape(s.name), HTML.status(s.status.rawValue), String(s.attempts),
             s.error.map { "<strong>\(HTML.escape($0.kind))</strong>: \(HTML.escape($0.message))" } ?? HTML.json(s.result)]
        }, empty: "No steps yet.")
        let effects = HTML.table(["Effect", "Status", "External id", "Attempts", "Result"], shown.effects.map { e in
            [HTML.escape(e.key), HTML.status(e.status.rawValue), HTML.escape(e.externalId ?? "–"), String(e.attempts), HTML.json(e.result)]
        }, empty: "No external actions.")
        let approvals = HTML.table(["Approval", "Status", "Approver", "Reason", "Decided"], shown.approvals.map { a in
            [HTML.escape(a.id), HTML.status(a.status.rawValue), HTML.escape(a.approver ?? a.group.map { "group " + $0 } ?? "–"), HTML.escape(a.reason),
             a.decidedBy.map { HTML.escape($0) + (a.comment.map { ": “" + HTML.escape($0) + "”" } ?? "") } ?? "–"]
        }, empty: "No approvals.")
        let canFork = Permission.write.allowed(for: session.key.role)
        let timeline = HTML.table(["Event", "Type", "At", "Data", ""], events.map { e in
            let actions = "<a href=\"/ui/runs/\(HTML.query(id))?at=\(e.seq)\">replay to here</a>"
                + (canFork ? " " + HTML.form("/ui/runs/\(HTML.query(id))/fork", csrf: session.csrf, "<input type=\"hidden\" name=\"at\" value=\"\(e.seq)\">", button: "Fork") : "")
            return [String(e.seq) + (e.seq == at ? " ◀" : ""), HTML.escape(e.type), HTML.time(e.at),
                    "<details><summary>data</summary>\(HTML.json(e.data))</details>", actions]
        }, empty: "No events.")
        let live = at == nil
        let cancel = live && ![.completed, .failed, .cancelled].contains(run.status)
            ? HTML.form("/ui/runs/\(HTML.query(id))/cancel", csrf: session.csrf, "<input name=\"reason\" placeholder=\"reason\">", button: "Cancel run", style: "reject")
            : ""
        let banner = at.map { "<p class=\"flash\">As the run stood after event \($0), rebuilt from its log. <a href=\"/ui/runs/\(HTML.query(id))\">Back to now</a></p>" } ?? ""
        return HTML.page("Run \(id)", session: session, """
            \(banner)\(facts)<p>\(cancel)</p>
            <h2>Steps</h2>\(steps)
            <h2>External actions</h2>\(effects)
            <h2>Approvals</h2>\(approvals)
            <h2>Timeline</h2>\(timeline)
            """)
    }

    private func allEvents(_ tenant: TenantID, stream: String) async throws -> [Event] {
        var events: [Event] = []
        while true {
            let page = try await store.events(tenant, stream: stream, afterSeq: events.last?.seq ?? 0, limit: 500)
            events += page
            if page.count < 500 || events.count >= 5_000 { return events }
        }
    }
}
