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

    private struct Chip {
        let href: String
        let on: Bool
        let label: String
    }

    private struct RunRow {
        let path: String
        let id: String
        let workflow: String
        let status: String
        let step: String
        let owner: String
        let error: HTML.Failure?
        let updated: HTML.Time
    }

    private struct Runs {
        let chips: [Chip]
        let status: String?
        let owner: String
        let workflow: String
        let runs: [RunRow]
        let next: String?
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
        let chips = [Chip(href: link(nil), on: status == nil, label: "all \(counts.values.reduce(0, +))")]
            + RunStatus.allCases.map { s in Chip(href: link(s), on: status == s, label: "\(s.rawValue) \(counts[s.rawValue] ?? 0)") }
        let rows = page.items.map { r in
            RunRow(path: HTML.query(r.id), id: r.id, workflow: r.workflow, status: r.status.rawValue, step: r.currentStep ?? "–",
                   owner: r.owner ?? "–", error: r.lastError.map(HTML.Failure.init), updated: HTML.time(r.updatedAt))
        }
        let next = page.nextCursor.map { cursor in
            let base = link(status)
            return base + (base.contains("?") ? "&" : "?") + "cursor=" + HTML.query(cursor)
        }
        return HTML.page("Runs", session: session, "runs",
                         Runs(chips: chips, status: status?.rawValue, owner: owner ?? "", workflow: workflow ?? "", runs: rows, next: next))
    }

    private struct Lease {
        let holder: String
        let until: HTML.Time
    }

    private struct Link {
        let path: String
        let id: String
        var seq: Int64 = 0
    }

    private struct StepRow {
        let index: Int
        let name: String
        let status: String
        let attempts: Int
        let error: HTML.Failure?
        let result: String?
    }

    private struct EffectRow {
        let key: String
        let status: String
        let externalId: String
        let attempts: Int
        let result: String?
    }

    private struct Decided {
        let by: String
        let comment: String?
    }

    private struct ApprovalRow {
        let id: String
        let status: String
        let approver: String
        let reason: String
        let decided: Decided?
    }

    private struct EventRow {
        let seq: Int64
        let here: Bool
        let type: String
        let at: HTML.Time
        let data: String?
        let runPath: String
        let canFork: Bool
        let csrf: String
    }

    private struct RunView {
        let replayedTo: Int64?
        let path: String
        let status: String
        let waitReason: String?
        let workflow: String
        let step: String
        let owner: String
        let lease: Lease?
        let error: HTML.Failure?
        let retries: Int?
        let session: Link?
        let forkedFrom: Link?
        let created: HTML.Time
        let updated: HTML.Time
        let input: String?
        let output: String?
        let canCancel: Bool
        let csrf: String
        let steps: [StepRow]
        let effects: [EffectRow]
        let approvals: [ApprovalRow]
        let events: [EventRow]
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
        let canFork = Permission.write.allowed(for: session.key.role)
        let view = RunView(
            replayedTo: at, path: HTML.query(id), status: run.status.rawValue, waitReason: run.waitReason, workflow: run.workflow,
            step: run.currentStep ?? "–", owner: run.owner ?? "–",
            lease: run.lease.map { Lease(holder: $0.holder, until: HTML.time($0.expiresAt)) },
            error: run.lastError.map(HTML.Failure.init), retries: run.retryCount > 0 ? run.retryCount : nil,
            session: run.sessionId.map { Link(path: HTML.query($0), id: $0) },
            forkedFrom: run.forkedFrom.map { Link(path: HTML.query($0.runId), id: $0.runId, seq: $0.eventSeq) },
            created: HTML.time(run.createdAt), updated: HTML.time(run.updatedAt), input: HTML.json(run.input), output: HTML.json(run.output),
            canCancel: at == nil && ![.completed, .failed, .cancelled].contains(run.status), csrf: session.csrf,
            steps: shown.steps.map { s in
                StepRow(index: s.index, name: s.name, status: s.status.rawValue, attempts: s.attempts, error: s.error.map(HTML.Failure.init),
                        result: HTML.json(s.result))
            },
            effects: shown.effects.map { e in
                EffectRow(key: e.key, status: e.status.rawValue, externalId: e.externalId ?? "–", attempts: e.attempts, result: HTML.json(e.result))
            },
            approvals: shown.approvals.map { a in
                ApprovalRow(id: a.id, status: a.status.rawValue, approver: a.approver ?? a.group.map { "group " + $0 } ?? "–", reason: a.reason,
                            decided: a.decidedBy.map { Decided(by: $0, comment: a.comment) })
            },
            events: events.map { e in
                EventRow(seq: e.seq, here: e.seq == at, type: e.type, at: HTML.time(e.at), data: HTML.json(e.data), runPath: HTML.query(id),
                         canFork: canFork, csrf: session.csrf)
            })
        return HTML.page("Run \(id)", session: session, "run", view)
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
