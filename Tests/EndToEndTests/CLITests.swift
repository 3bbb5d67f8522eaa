import AgentStateClient
import AgentStateTesting
import AgentState
import AgentStateSQLite
import Foundation
import GRDB
import Testing

@Suite("The agentstate command")
struct CLITests {
    let cli = builtExecutable("agentstate")

    @Test("a bad store URL is one line on stderr and exit code 2",
          arguments: ["bogus://x", "sqlite:", "mysql://db", "sqlite:x.db?durability=sometimes", "sqlite:x.db?colour=red",
                     "tiered:redis://127.0.0.1:7000,127.0.0.1:7001/0|sqlite:x.db"])
    func badURL(url: String) throws {
        let r = try runProcess(cli, ["runs", "list", "--store", url])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("agentstate: "), "\(r.stderr)")
    }

    @Test("serve on a port already taken says so in one line")
    func portTaken() throws {
        let holder = try Socket.listening()
        defer { holder.close() }
        let r = try runProcess(cli, ["serve", "--store", "memory:", "--port", String(holder.port)], environment: ["LOG_LEVEL": "error"])
        #expect(r.status == 1 && r.stderr == "agentstate: cannot listen on 127.0.0.1:\(holder.port): Address already in use\n")
    }

    @Test("health asks a live server and exits 0; a server that is gone is one line and exit 1")
    func health() async throws {
        let server = try await ServerProcess(store: "memory:")
        let live = try runProcess(cli, ["health", "--server", server.url])
        #expect(live.status == 0 && live.stdout.contains("/health/live: 200"), "\(live.stdout)\(live.stderr)")
        let ready = try runProcess(cli, ["health", "--ready"], environment: ["AGENTSTATE_PORT": String(server.port)])
        #expect(ready.status == 0 && ready.stdout.contains("/health/ready: 200") && ready.stdout.contains(#""store":"ok""#), "\(ready.stdout)\(ready.stderr)")
        #expect(server.terminate() == 0)
        let gone = try runProcess(cli, ["health", "--server", server.url, "--timeout", "1"])
        #expect(gone.status == 1 && gone.stdout.isEmpty && gone.stderr.hasPrefix("agentstate: ") && gone.stderr.split(separator: "\n").count == 1, "\(gone.stderr)")
    }

    @Test("the operator's day: approvals, a run's events, replay, fork and cancel, memory, sessions export, users export and erase, completion")
    func operatorsDay() async throws {
        let file = temporaryDirectory().appendingPathComponent("day.sqlite").path
        let store = ["--store", "sqlite:\(file)", "--tenant", "acme"]
        let seed = try SQLiteStore(path: file)
        _ = try await seed.createSession("acme", SessionCreate(id: "s1", userId: "ann"))
        _ = try await seed.appendMessages("acme", "s1", [.user("hi"), .assistant("hello"), .user("ship it?")], expectedLastSeq: nil)
        _ = try await seed.createRun("acme", RunCreate(id: "r1", workflow: "wf", sessionId: "s1", userId: "ann"))
        let job = try #require(try await seed.claim("acme", ClaimRequest(worker: "w", workflow: "wf")))
        _ = try await seed.putStep("acme", "r1", "pack", StepWrite(status: .completed, fencingToken: job.lease.token))
        let approval = try await seed.requestApproval("acme", "r1", ApprovalRequest(approver: "ops", reason: "ship it", fencingToken: job.lease.token))
        _ = try await seed.createRun("acme", RunCreate(id: "r2", workflow: "other"))
        try await seed.close()
        func run(_ arguments: [String]) throws -> Finished { try runProcess(cli, arguments + store) }

        let pending = try run(["approvals", "list"])
        #expect(pending.status == 0 && pending.stdout.contains(approval.id) && pending.stdout.contains("ship it"), "\(pending.stderr)")
        #expect(try run(["approvals", "list", "--overdue"]).stdout.split(separator: "\n").count == 1, "only the header")
        let approved = try run(["approvals", "approve", approval.id, "--by", "olga", "--comment", "fine"])
        #expect(approved.status == 0 && approved.stdout == "\(approval.id) approved by olga; run r1 goes on\n", "\(approved.stderr)")
        let again = try run(["approvals", "reject", approval.id])
        #expect(again.status == 1 && again.stderr.contains("already approved") && again.stderr.split(separator: "\n").count == 1)

        let events = try run(["runs", "events", "r1"])
        #expect(events.stdout.contains("approval.decided") && events.stdout.hasSuffix("hash chain: valid (5 events); head not signed (the store has no signing key)\n"), "\(events.stdout)")
        #expect(try run(["runs", "replay", "r1", "--at", "1"]).stdout.hasPrefix("run r1 after event 1: created"))
        #expect(try run(["runs", "fork", "r1", "--at", "3", "--new-id", "r1b"]).stdout.hasPrefix("forked r1 at event 3 as r1b"))
        #expect(try run(["runs", "cancel", "r2", "--reason", "stale"]).stdout == "cancelled r2\n")
        let badReplay = try run(["runs", "replay", "r1", "--at", "99"])
        #expect(badReplay.status == 2 && badReplay.stderr.contains("at_seq"))

        #expect(try run(["memory", "put", "--user", "ann", "--namespace", "prefs", "tone", "\"brief\"", "--text", "likes brief answers"]).status == 0)
        #expect(try run(["memory", "get", "--user", "ann", "--namespace", "prefs", "tone"]).stdout == "\"brief\"\n")
        #expect(try run(["memory", "search", "--user", "ann", "brief answers"]).stdout.contains("tone"))

        let export = try run(["sessions", "export", "s1"])
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines.allSatisfy { (try? JSONParser.parse(String($0))) != nil }, "the session, then its 3 messages")
        #expect(try JSONParser.parse(String(lines[3]))["content"] == "ship it?")

        #expect(try run(["users", "erase", "ann"]).status == 2, "erasing asks for --yes")
        #expect(try run(["users", "export", "ann"]).stdout.contains("\"s1\""))
        let erased = try run(["users", "erase", "ann", "--yes"])
        #expect(erased.stdout.hasPrefix("erased user ann: 1 sessions, 3 messages, 2 runs"), "\(erased.stdout) \(erased.stderr)")
        #expect(try JSONParser.parse(try run(["users", "export", "ann"]).stdout)["sessions"]?.arrayCount == 0)

        let completion = try runProcess(cli, ["--generate-completion-script", "bash"])
        #expect(completion.status == 0 && completion.stdout.contains("approvals") && completion.stdout.contains("rotate-data"))
    }

    @Test("version and help")
    func versionAndHelp() throws {
        #expect(try runProcess(cli, ["version"]).stdout.hasPrefix("agentstate "))
        let help = try runProcess(cli, ["--help"])
        #expect(help.status == 0 && help.stdout.contains("runs") && help.stdout.contains("sessions") && help.stdout.contains("migrate"))
    }

    @Test("retention set and show: the policy as a sentence or JSON; a bad number of days is one line and a non-zero exit, changing nothing")
    func retention() throws {
        let store = "sqlite:" + temporaryDirectory().appendingPathComponent("retention.sqlite").path
        let set = try runProcess(cli, ["retention", "set", "--store", store, "--tenant", "acme", "--sessions-days", "30"])
        #expect(set.status == 0 && set.stdout == "tenant 'acme': finished sessions kept 30 days, finished runs kept for good\n", "\(set.stdout) \(set.stderr)")
        let bad = try runProcess(cli, ["retention", "set", "--store", store, "--tenant", "acme", "--runs-days", "0"])
        #expect(bad.status != 0 && bad.stderr.contains("runs_days") && bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        let archive = temporaryDirectory().appendingPathComponent("archive").path
        let ran = try runProcess(cli, ["retention", "run", "--store", store, "--archive-dir", archive])
        #expect(ran.status == 0 && ran.stdout == "tenant 'acme': archived 0 records\n", "nothing is old enough yet: \(ran.stdout) \(ran.stderr)")
        let shown = try runProcess(cli, ["retention", "show", "--store", store, "--tenant", "acme", "--json"])
        let json = try JSONParser.parse(shown.stdout)
        #expect(shown.status == 0 && json["sessions_days"] == 30 && json["runs_days"] == nil, "\(shown.stdout)")
    }

    @Test("a command finds its store as serve does: the URL in AGENTSTATE_STORE_FILE (a mounted Secret), Redis of AGENTSTATE_CACHE in front")
    func storeFromEnvironment() throws {
        let dir = temporaryDirectory()
        let urlFile = dir.appendingPathComponent("store-url").path
        try "sqlite:\(dir.appendingPathComponent("env.sqlite").path)\n".write(toFile: urlFile, atomically: true, encoding: .utf8)
        let plain = try runProcess(cli, ["migrate"], environment: ["AGENTSTATE_STORE_FILE": urlFile])
        #expect(plain.status == 0 && plain.stdout.hasPrefix("sqlite:\(dir.path)"), "\(plain.stdout) \(plain.stderr)")
        let tiered = try runProcess(cli, ["migrate"], environment: ["AGENTSTATE_STORE_FILE": urlFile, "AGENTSTATE_CACHE": try TestRedis.url(), "AGENTSTATE_FLUSHER": "off"])
        #expect(tiered.status == 0 && tiered.stdout.hasPrefix("tiered:redis…|sqlite:\(dir.path)"), "\(tiered.stdout) \(tiered.stderr)")
        let missing = try runProcess(cli, ["runs", "list"], environment: ["AGENTSTATE_STORE_FILE": dir.appendingPathComponent("absent").path])
        #expect(missing.status == 2 && missing.stderr.contains("AGENTSTATE_STORE_FILE"), "\(missing.stderr)")
    }

    @Test("migrate creates the schema; runs and sessions read a store directly")
    func readsAStore() async throws {
        let path = temporaryDirectory().appendingPathComponent("cli.sqlite").path
        let migrated = try runProcess(cli, ["migrate", "--store", "sqlite:\(path)?durability=strict"])
        #expect(migrated.status == 0 && migrated.stdout.contains("schema at v7-event-signature (7 migrations applied)"), "\(migrated.stdout) \(migrated.stderr)")

        let store = try SQLiteStore(path: path)
        _ = try await store.createSession("default", SessionCreate(id: "chat-1", userId: "ann", title: "Refund"))
        _ = try await store.appendMessages("default", "chat-1", [.user("Where is my refund?"), .assistant("Checking.")], expectedLastSeq: nil)
        _ = try await store.createRun("default", RunCreate(id: "refund-7", workflow: "refund", owner: "ann"))
        _ = try await store.transition("default", "refund-7", RunTransition(to: .running))
        _ = try await store.putStep("default", "refund-7", "lookup", StepWrite(status: .completed))
        try await Task.sleep(for: .milliseconds(5))
        _ = try await store.createRun("default", RunCreate(id: "refund-8", workflow: "refund"))
        _ = try await store.createRun("other", RunCreate(id: "hidden", workflow: "refund"))
        try await store.close()

        let list = try runProcess(cli, ["runs", "list", "--store", "sqlite:\(path)"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("refund-7") && list.stdout.contains("running") && list.stdout.contains("lookup"))
        #expect(!list.stdout.contains("hidden"), "another tenant's run is not listed")

        let first = try runProcess(cli, ["runs", "list", "--limit", "1", "--store", "sqlite:\(path)"])
        let cursor = try #require(first.stdout.split(separator: "\n").last { $0.hasPrefix("more: --cursor ") }).dropFirst("more: --cursor ".count)
        let next = try runProcess(cli, ["runs", "list", "--limit", "1", "--cursor", String(cursor), "--store", "sqlite:\(path)"])
        #expect(first.stdout.contains("refund-8") && next.stdout.contains("refund-7") && !next.stdout.contains("more:"))

        let filtered = try runProcess(cli, ["runs", "list", "--status", "completed", "--store", "sqlite:\(path)"])
        #expect(!filtered.stdout.contains("refund-7"))

        let show = try runProcess(cli, ["runs", "show", "refund-7", "--json"], environment: ["AGENTSTATE_STORE": "sqlite:\(path)"])
        #expect(show.status == 0, "\(show.stderr)")
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(show.stdout.utf8))
        #expect(json["run"]?["status"] == "running" && json["steps"]?.arrayCount == 1)

        let session = try runProcess(cli, ["sessions", "show", "chat-1", "--store", "sqlite:\(path)"])
        #expect(session.stdout.contains("#1 user: Where is my refund?") && session.stdout.contains("#2 assistant: Checking."))
        let sessions = try runProcess(cli, ["sessions", "list", "--user", "ann", "--store", "sqlite:\(path)"])
        #expect(sessions.stdout.contains("chat-1") && sessions.stdout.contains("Refund"))

        let missing = try runProcess(cli, ["runs", "show", "nope", "--store", "sqlite:\(path)"])
        #expect(missing.status == 1 && missing.stderr == "agentstate: run 'nope' not found\n")
        let other = try runProcess(cli, ["runs", "show", "hidden", "--tenant", "other", "--store", "sqlite:\(path)"])
        #expect(other.status == 0 && other.stdout.contains("hidden"))

        // A run in progress is refused, with nothing changed; cancelled, it can go.
        let refused = try runProcess(cli, ["runs", "delete", "refund-7", "--store", "sqlite:\(path)"])
        #expect(refused.status == 1 && refused.stderr.contains("cancel it before deleting it"), "\(refused.stderr)")
        #expect(try runProcess(cli, ["runs", "show", "refund-7", "--store", "sqlite:\(path)"]).status == 0)
        _ = try runProcess(cli, ["runs", "cancel", "refund-7", "--store", "sqlite:\(path)"])
        let deleted = try runProcess(cli, ["runs", "delete", "refund-7", "--store", "sqlite:\(path)"])
        #expect(deleted.status == 0 && deleted.stdout == "deleted refund-7\n", "\(deleted.stdout) \(deleted.stderr)")
        #expect(try runProcess(cli, ["runs", "show", "refund-7", "--store", "sqlite:\(path)"]).stderr == "agentstate: run 'refund-7' not found\n")
    }
}

@Suite("agentstate keys")
struct KeysCommandTests {
    @Test("create prints the secret once; list shows keys without it; revoke stops it")
    func lifecycle() async throws {
        let cli = builtExecutable("agentstate")
        let store = "sqlite:" + temporaryDirectory().appendingPathComponent("keys.sqlite").path
        let made = try runProcess(cli, ["keys", "create", "--store", store, "--tenant", "acme", "--role", "operator", "--name", "night shift"])
        #expect(made.status == 0 && made.stdout.contains("role operator"))
        let secret = try #require(made.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        let id = try #require(made.stdout.split(separator: " ").first { $0.hasPrefix("key_") }.map(String.init))
        let list = try runProcess(cli, ["keys", "list", "--store", store])
        #expect(list.stdout.contains(id) && list.stdout.contains("night shift") && !list.stdout.contains(secret))
        let opened = try SQLiteStore(path: String(store.dropFirst("sqlite:".count)))
        #expect(try await opened.authenticate(secret: secret)?.role == .operator)
        try await opened.close()
        #expect(try runProcess(cli, ["keys", "revoke", id, "--store", store]).status == 0)
        let reopened = try SQLiteStore(path: String(store.dropFirst("sqlite:".count)))
        #expect(try await reopened.authenticate(secret: secret) == nil)
        try await reopened.close()
        let bad = try runProcess(cli, ["keys", "create", "--store", store, "--role", "king"])
        #expect(bad.status == 2 && bad.stderr.contains("role"))
    }
}

@Suite("agentstate bench")
struct BenchCommandTests {
    @Test("it runs turns against a store and prints throughput and percentiles")
    func bench() throws {
        let r = try runProcess(builtExecutable("agentstate"), ["bench", "--store", "memory:", "--concurrency", "2", "--duration", "0.5", "--warmup", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("throughput") && r.stdout.contains("p99") && r.stdout.contains("clients      2"))
        let bad = try runProcess(builtExecutable("agentstate"), ["bench", "--store", "memory:", "--concurrency", "0"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("agentstate: concurrency"))
    }

    @Test("bench --sessions fills the store with that many sessions and spreads turns over them; --depth starts each client's session that deep; the approval day expires what was not decided; --runs counts the steps' runs")
    func benchShapes() async throws {
        let cli = builtExecutable("agentstate")
        let file = temporaryDirectory().appendingPathComponent("shapes.sqlite").path
        let spread = try runProcess(cli, ["bench", "--store", "sqlite:\(file)", "--sessions", "300", "--concurrency", "2", "--duration", "0.5", "--warmup", "0"])
        #expect(spread.status == 0 && spread.stdout.contains("300 sessions in the store"), "\(spread.stdout)\(spread.stderr)")
        let store = try SQLiteStore(path: file)
        let sessions = try await store.sessions("default", SessionQuery(limit: 1000)).items
        #expect(sessions.count == 300 && sessions.filter { $0.lastSeq > 0 }.count > 2, "turns land on many of the sessions")
        try await store.close()

        let deep = try runProcess(cli, ["bench", "--store", "memory:", "--depth", "30", "--concurrency", "1", "--duration", "0.2", "--warmup", "0"])
        #expect(deep.status == 0 && deep.stdout.contains("sessions 30 turns deep"), "\(deep.stdout)\(deep.stderr)")
        let patched = try runProcess(cli, ["bench", "--workload", "step", "--checkpoint", "patch", "--store", "memory:", "--concurrency", "1", "--duration", "0.3", "--warmup", "0"])
        #expect(patched.status == 0 && patched.stdout.contains("steps/s"), "\(patched.stdout)\(patched.stderr)")
        let counted = try runProcess(cli, ["bench", "--workload", "step", "--store", "memory:", "--runs", "7", "--concurrency", "3"])
        #expect(counted.status == 0 && counted.stdout.contains("7 runs of 10 steps, all measured") && counted.stdout.contains("step   70 done"),
                "\(counted.stdout)\(counted.stderr)")
        let countedTurns = try runProcess(cli, ["bench", "--store", "memory:", "--runs", "7"])
        #expect(countedTurns.status == 2 && countedTurns.stderr.hasPrefix("agentstate: runs"), "\(countedTurns.stderr)")
        let day = try runProcess(cli, ["bench", "--workload", "approvals", "--store", "memory:", "--runs", "40", "--concurrency", "4"])
        #expect(day.status == 0 && day.stdout.contains("40 runs waiting on approvals, 10 decided, 30 expired by the sweeper")
                    && day.stdout.contains("per expired approval") && day.stdout.contains("peak"), "\(day.stdout)\(day.stderr)")
        let overHTTP = try runProcess(cli, ["bench", "--server", "http://127.0.0.1:1", "--key", "k", "--sessions", "10"])
        #expect(overHTTP.status == 2 && overHTTP.stderr.hasPrefix("agentstate: sessions"), "\(overHTTP.stderr)")
    }

    @Test("signed chains: a server with a signing key signs each head; the API and runs events say valid, and INVALID (exit 1) once the file is rewritten")
    func signedChains() async throws {
        let cli = builtExecutable("agentstate")
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("signed.sqlite").path, keys = dir.appendingPathComponent("signing-keys").path
        let entry = try runProcess(cli, ["keys", "new-signing-key", "--id", "sig1"])
        #expect(entry.status == 0 && entry.stdout.hasPrefix("sig1:"), "\(entry.stderr)")
        try Data(entry.stdout.utf8).write(to: URL(fileURLWithPath: keys))
        let key = try makeKey(store: "sqlite:\(file)", tenant: "acme", role: "agent")
        let log = dir.appendingPathComponent("server.log").path
        let server = try await ServerProcess(store: "sqlite:\(file)", logLevel: "info", environment: ["AGENTSTATE_SIGNING_KEYS_FILE": keys], errorLog: log)
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        _ = try await client.createRun("acme", RunCreate(id: "r", workflow: "refund", input: ["amount": 10]))
        _ = try await client.appendEvent("acme", runId: "r", type: "note", data: ["amount": 10])
        let verified = try await client.verifyChain("acme", stream: "run:r")
        #expect(verified.valid && verified.signature == .valid, "\(verified)")
        #expect(server.terminate() == 0)
        let logged = try String(contentsOfFile: log, encoding: .utf8)
        let seed = String(entry.stdout.dropFirst(5)).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(logged.contains("key sig1") && !logged.contains(seed), "the key's id is logged, never the key")

        let environment = ["AGENTSTATE_SIGNING_KEYS_FILE": keys]
        let good = try runProcess(cli, ["runs", "events", "r", "--store", "sqlite:\(file)", "--tenant", "acme"], environment: environment)
        #expect(good.status == 0 && good.stdout.contains("head signature: valid"), "\(good.stdout)\(good.stderr)")

        // Someone with the file but not the key rewrites the second event and re-links the chain.
        let store = try SQLiteStore(path: file)
        var events = try await store.events("acme", stream: "run:r", afterSeq: 0, limit: 10)
        events[1].data = ["data": ["amount": 10_000]]
        events[1].hash = HashChain.hash(of: events[1])
        try await store.tamperEvent("acme", stream: "run:r", seq: 2, data: events[1].data)
        try await store.unsafeExecute("UPDATE events SET hash = ? WHERE tenant_id = 'acme' AND stream = 'run:r' AND seq = 2", [events[1].hash])
        try await store.close()
        let forged = try runProcess(cli, ["runs", "events", "r", "--store", "sqlite:\(file)", "--tenant", "acme"], environment: environment)
        #expect(forged.status == 1 && forged.stdout.contains("hash chain: valid") && forged.stdout.contains("INVALID"), "\(forged.stdout)\(forged.stderr)")
    }

    @Test("encryption at rest: a served store holds nothing plain, the log no key; rotate-data moves all to the new key, resumably")
    func sealing() async throws {
        let cli = builtExecutable("agentstate")
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("sealed.sqlite").path, ring = dir.appendingPathComponent("data-keys").path
        let first = try runProcess(cli, ["keys", "new-data-key", "--id", "k1"])
        #expect(first.status == 0 && first.stdout.hasPrefix("k1:"), "\(first.stderr)")
        try Data(first.stdout.utf8).write(to: URL(fileURLWithPath: ring))
        let key = try makeKey(store: "sqlite:\(file)", tenant: "acme", role: "agent")
        let log = dir.appendingPathComponent("server.log").path
        let server = try await ServerProcess(store: "sqlite:\(file)", logLevel: "debug", environment: ["AGENTSTATE_DATA_KEYS_FILE": ring], errorLog: log)
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        let canary = "canary" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        _ = try await client.createSession("acme", SessionCreate(id: "s", context: ["goal": .string(canary)]))
        _ = try await client.appendMessages("acme", "s", [.user("the code is \(canary)")], expectedLastSeq: nil)
        #expect(try await client.messages("acme", "s", .last(5)).messages.last?.content == "the code is \(canary)")
        #expect(server.terminate() == 0)
        let onDisk = ["", "-wal"].compactMap { FileManager.default.contents(atPath: file + $0) }.reduce(Data(), +)
        #expect(!onDisk.isEmpty && onDisk.range(of: Data(canary.utf8)) == nil, "nothing plain in the file")
        let logged = try String(contentsOfFile: log, encoding: .utf8)
        let material = String(first.stdout.dropFirst(3)).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(logged.contains("key k1") && !logged.contains(material) && !logged.contains(canary), "\(logged)")

        let second = try runProcess(cli, ["keys", "new-data-key", "--id", "k2"])
        try Data((first.stdout + second.stdout).utf8).write(to: URL(fileURLWithPath: ring))
        let rotated = try runProcess(cli, ["keys", "rotate-data", "--store", "sqlite:\(file)", "--data-keys", ring, "--batch", "2"])
        #expect(rotated.status == 0 && rotated.stdout.hasPrefix("re-sealed ") && rotated.stdout.hasSuffix("under data key 'k2'\n"), "\(rotated.stdout) \(rotated.stderr)")
        let again = try runProcess(cli, ["keys", "rotate-data", "--store", "sqlite:\(file)", "--data-keys", ring])
        #expect(again.stdout.hasPrefix("re-sealed 0 of "), "\(again.stdout)")

        let shown = try runProcess(cli, ["sessions", "show", "s", "--store", "sqlite:\(file)", "--tenant", "acme", "--json"],
                                   environment: ["AGENTSTATE_DATA_KEYS": second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(shown.status == 0 && shown.stdout.contains(canary), "the new key alone opens everything: \(shown.stderr)")
        let bare = try runProcess(cli, ["sessions", "show", "s", "--store", "sqlite:\(file)", "--tenant", "acme"])
        #expect(bare.status == 1 && bare.stderr.contains("AGENTSTATE_DATA_KEYS") && bare.stderr.split(separator: "\n").count == 1, "\(bare.stderr)")
        let noRing = try runProcess(cli, ["keys", "rotate-data", "--store", "sqlite:\(file)"])
        #expect(noRing.status == 2 && noRing.stderr.contains("data key ring"), "\(noRing.stderr)")
    }

    @Test("against a server: turns through the API, and the ping floor; turns land in the store")
    func benchServer() async throws {
        let file = temporaryDirectory().appendingPathComponent("state.sqlite").path
        let key = try makeKey(store: "sqlite:\(file)", tenant: "acme", role: "agent")
        let server = try await ServerProcess(store: "sqlite:\(file)")
        for workload in ["turn", "ping"] {
            let r = try runProcess(builtExecutable("agentstate"), ["bench", "--server", server.url, "--key", key, "--workload", workload,
                                                                   "--concurrency", "3", "--duration", "0.5", "--warmup", "0"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("\(workload)s/s") && r.stdout.contains("p99"), "\(r.stdout)")
        }
        let client = AgentStateClient(baseURL: server.url, apiKey: key, tenant: "acme")
        let sessions = try await client.sessions("acme", SessionQuery(limit: 10)).items
        #expect(sessions.count == 3 && sessions.allSatisfy { $0.lastSeq > 0 && $0.lastSeq % 2 == 0 }, "\(sessions.map(\.lastSeq))")
        let ping = try runProcess(builtExecutable("agentstate"), ["bench", "--store", "memory:", "--workload", "ping"])
        #expect(ping.status == 2 && ping.stderr.contains("--server"))
        #expect(server.terminate() == 0)
    }
}

extension JSONValue {
    var arrayCount: Int? {
        if case .array(let a) = self { return a.count }
        return nil
    }
}

/// A TCP socket bound and listening on a free loopback port.
struct Socket {
    let fd: Int32
    let port: Int

    static func listening() throws -> Socket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0, listen(fd, 1) == 0 else { throw CocoaError(.fileWriteUnknown) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Socket(fd: fd, port: Int(UInt16(bigEndian: addr.sin_port)))
    }

    func close() { _ = Glibc.close(fd) }
}
