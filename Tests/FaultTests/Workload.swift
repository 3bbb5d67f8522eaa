import AgentState
import AgentStateClient
import Foundation
import Synchronization
import Testing

/// The outside world the agents act on: it counts every action it is asked to do, by key, and
/// says whether an action was done — what a payment or mail API with idempotency keys offers.
final class World: Sendable {
    private let done = Mutex<[String: Int]>([:])
    private let doubled = Mutex(0)
    /// Effects begun twice at once.
    var deliveredTwice: Int { doubled.withLock { $0 } }
    func deliveringTwice() { doubled.withLock { $0 += 1 } }
    func perform(_ key: String) { done.withLock { $0[key, default: 0] += 1 } }
    func happened(_ key: String) -> Bool { done.withLock { $0[key] != nil } }
    var performedTwice: [String] { done.withLock { $0.filter { $0.value > 1 }.map(\.key).sorted() } }
}

/// Set once the load should stop.
final class Stop: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// What the load sent and what the server acknowledged.
struct Tally: Sendable {
    var requests = 0
    var acknowledged = 0
    /// The last refusal or failure, for a test's message.
    var lastError: String?

    static func + (a: Tally, b: Tally) -> Tally {
        Tally(requests: a.requests + b.requests, acknowledged: a.acknowledged + b.acknowledged, lastError: b.lastError ?? a.lastError)
    }

    /// Counts one call, and whether it was acknowledged.
    mutating func call<T>(_ body: () async throws -> T) async -> T? {
        requests += 1
        do {
            let value = try await body()
            acknowledged += 1
            return value
        } catch {
            lastError = "\(error)"
            return nil
        }
    }
}

/// Conversation writers: each appends one turn at a time to its own session, with contents
/// that name the writer and the turn, until told to stop.
struct TurnLoad {
    let client: AgentStateClient
    let tenant: TenantID
    let writers: Int

    func session(_ w: Int) -> String { "chat-\(w)" }

    func prepare() async throws {
        for w in 0..<writers { _ = try await client.createSession(tenant, SessionCreate(id: session(w))) }
    }

    /// The acknowledged contents by session.
    func run(until stop: Stop) async -> (Tally, [String: [String]]) {
        await withTaskGroup(of: (Tally, String, [String]).self) { group in
            for w in 0..<writers {
                group.addTask {
                    var tally = Tally()
                    var acknowledged: [String] = []
                    var i = 0
                    while !stop.isSet {
                        i += 1
                        let content = "w\(w) turn \(i)"
                        if await tally.call({ try await client.appendMessages(tenant, session(w), [.user(content)], expectedLastSeq: nil) }) != nil {
                            acknowledged.append(content)
                        } else {
                            try? await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    return (tally, session(w), acknowledged)
                }
            }
            var total = Tally()
            var bySession: [String: [String]] = [:]
            for await (tally, session, acknowledged) in group {
                total = total + tally
                bySession[session] = acknowledged
            }
            return (total, bySession)
        }
    }

    /// Acknowledged turns missing from their session, and turns stored more than once.
    func check(_ acknowledged: [String: [String]]) async throws -> (lost: Int, duplicated: Int) {
        var lost = 0, duplicated = 0
        for (session, contents) in acknowledged {
            var stored: [Message] = []
            while true {
                let page = try await client.messages(tenant, session, .after(seq: stored.last?.seq ?? 0, limit: 1000)).messages
                stored += page
                if page.count < 1000 { break }
            }
            #expect(stored.map(\.seq) == (0..<Int64(stored.count)).map { $0 + 1 }, "\(session): seqs 1… without gaps")
            let kept = stored.map(\.content)
            lost += Set(contents).subtracting(kept).count
            duplicated += kept.count - Set(kept).count
            #expect(try await client.verifyChain(tenant, stream: "session:\(session)").valid, "\(session): hash chain")
        }
        return (lost, duplicated)
    }
}

/// Run workers: each creates runs of its own workflow, claims them and takes each through three
/// steps, every step an external action through an effect, a step result and a checkpoint.
/// A worker whose call fails leaves the run as it is, as a worker that died would.
struct StepLoad {
    let client: AgentStateClient
    let tenant: TenantID
    let workers: Int
    let world: World
    /// Each step's effect is begun twice at once (a retry racing the original) and each step
    /// result written twice: only one may act.
    var duplicateDelivery = false
    static let steps = 3
    /// Short, so that a run left behind can be taken over soon.
    static let leaseSeconds = 3

    /// Acknowledged step results, as `run/step`.
    func run(until stop: Stop) async -> (Tally, Set<String>) {
        await withTaskGroup(of: (Tally, Set<String>).self) { group in
            for w in 0..<workers {
                group.addTask {
                    var tally = Tally()
                    var acknowledged: Set<String> = []
                    var k = 0
                    while !stop.isSet {
                        k += 1
                        let id = "w\(w)-run-\(k)"
                        guard await tally.call({ try await client.createRun(tenant, RunCreate(id: id, workflow: "wf-\(w)")) }) != nil,
                            let claimed = await tally.call({ try await client.claim(tenant, ClaimRequest(worker: "w\(w)", leaseSeconds: Self.leaseSeconds, workflow: "wf-\(w)")) }),
                            let claimed
                        else {
                            try? await Task.sleep(for: .milliseconds(50))
                            continue
                        }
                        await work(claimed, worker: "w\(w)", tally: &tally, acknowledged: &acknowledged, stop: stop)
                    }
                    return (tally, acknowledged)
                }
            }
            var total = Tally()
            var all: Set<String> = []
            for await (tally, acknowledged) in group {
                total = total + tally
                all.formUnion(acknowledged)
            }
            return (total, all)
        }
    }

    /// Takes a claimed run from where it stands to completed; stops at the first failed call.
    @discardableResult
    func work(_ claimed: ClaimedRun, worker: String, tally: inout Tally, acknowledged: inout Set<String>, stop: Stop? = nil) async -> Bool {
        let run = claimed.run.id, token = claimed.lease.token
        guard let done = await tally.call({ try await client.steps(tenant, run) }) else { return false }
        let finished = Set(done.filter { $0.status == .completed }.map(\.name))
        for s in 1...Self.steps where !finished.contains("step-\(s)") {
            let key = "\(run)/act-\(s)"
            while true {
                let begin = EffectBegin(holder: worker, leaseSeconds: Self.leaseSeconds, fencingToken: token)
                guard let begun = await tally.call({ try await deliver(run, "act-\(s)", begin) }) else { return false }
                if begun.outcome == .completed { break }
                if begun.outcome == .inProgress {
                    // Another attempt holds it (one that died holds it until its lease ends).
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                // An attempt after one that was cut off asks the outside world first: the action may
                // have happened before the worker died.
                if begun.effect.attempts == 1 || !world.happened(key) { world.perform(key) }
                guard await tally.call({
                    try await client.completeEffect(tenant, run, "act-\(s)", attemptToken: begun.effect.attemptToken, result: ["ok": true], externalId: key)
                }) != nil else { return false }
                break
            }
            let result = StepWrite(status: .completed, result: ["step": .int(Int64(s))], fencingToken: token)
            guard await tally.call({
                if duplicateDelivery {
                    async let again = client.putStep(tenant, run, "step-\(s)", result)
                    _ = try await client.putStep(tenant, run, "step-\(s)", result)
                    _ = try await again
                    return
                }
                _ = try await client.putStep(tenant, run, "step-\(s)", result)
            }) != nil else { return false }
            acknowledged.insert("\(run)/step-\(s)")
            guard await tally.call({
                try await client.saveCheckpoint(tenant, run, CheckpointWrite(step: "step-\(s)", state: .patch(["done": .int(Int64(s))]), fencingToken: token))
            }) != nil else { return false }
        }
        return await tally.call({ try await client.transition(tenant, run, RunTransition(to: .completed, fencingToken: token)) }) != nil
    }

    /// Begins an effect; delivered twice at once, the attempt that acquired it wins (at most one
    /// may), and the other must have been told it is in progress or done.
    private func deliver(_ run: String, _ key: String, _ begin: EffectBegin) async throws -> EffectBeginResult {
        guard duplicateDelivery else { return try await client.beginEffect(tenant, run, key, begin) }
        world.deliveringTwice()
        async let other = client.beginEffect(tenant, run, key, begin)
        let one = try await client.beginEffect(tenant, run, key, begin)
        let two = try await other
        let acquired = [one, two].filter { $0.outcome == .acquired }
        #expect(acquired.count <= 1, "\(run)/\(key): acquired by both deliveries")
        return acquired.first ?? one
    }

    /// Takes over every run left unfinished (once its lease has run out) and completes it.
    func recover(timeout: Duration = .seconds(60)) async throws -> Int {
        var tally = Tally()
        var ignored: Set<String> = []
        var recovered = 0
        let deadline = ContinuousClock.now + timeout
        for w in 0..<workers {
            while ContinuousClock.now < deadline {
                if try await !unfinished(workflow: "wf-\(w)") { break }
                if let claimed = try await client.claim(tenant, ClaimRequest(worker: "recovery", leaseSeconds: 30, workflow: "wf-\(w)")) {
                    #expect(await work(claimed, worker: "recovery", tally: &tally, acknowledged: &ignored), "\(claimed.run.id) resumed and completed")
                    recovered += 1
                } else {
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
        }
        return recovered
    }

    private func unfinished(workflow: String) async throws -> Bool {
        for status in [RunStatus.created, .running] where !(try await client.runs(tenant, RunQuery(status: status, workflow: workflow, limit: 1)).items.isEmpty) {
            return true
        }
        return false
    }

    /// Acknowledged step results missing, and actions the outside world saw twice. Every run is
    /// completed, with a valid hash chain.
    func check(_ acknowledged: Set<String>) async throws -> (lost: Int, duplicated: Int) {
        var lost = 0
        var runs: [Run] = []
        for w in 0..<workers {
            var page = try await client.runs(tenant, RunQuery(workflow: "wf-\(w)", limit: 200))
            runs += page.items
            while let cursor = page.nextCursor {
                page = try await client.runs(tenant, RunQuery(workflow: "wf-\(w)", limit: 200, cursor: cursor))
                runs += page.items
            }
        }
        for run in runs {
            #expect(run.status == .completed, "\(run.id) is \(run.status.rawValue)")
            let steps = try await client.steps(tenant, run.id)
            let completed = Set(steps.filter { $0.status == .completed }.map { "\(run.id)/\($0.name)" })
            lost += acknowledged.filter { $0.hasPrefix(run.id + "/") }.subtracting(completed).count
            #expect(try await client.verifyChain(tenant, stream: "run:\(run.id)").valid, "\(run.id): hash chain")
        }
        let known = Set(runs.map(\.id))
        lost += acknowledged.filter { !known.contains(String($0.split(separator: "/")[0])) }.count
        return (lost, world.performedTwice.count)
    }
}
