import AgentStateTesting
import AgentState
import AgentStateSQLite
import Foundation
import Testing

@Suite("Crash recovery on SQLite")
struct CrashRecoveryTests {
    @Test("a worker killed with SIGKILL between steps loses nothing, and the next one resumes from the right step")
    func killBetweenSteps() async throws {
        let dir = temporaryDirectory()
        let db = dir.appendingPathComponent("crash.sqlite").path
        let effects = dir.appendingPathComponent("effects.log").path
        let worker = builtExecutable("AgentStateTestWorker")

        let out = closingPipe()
        let child: ChildProcess
        do {
            defer { close(out.write) }
            child = try ChildProcess(worker.path, [db, "job-1", "5", "3", effects], environment: ProcessInfo.processInfo.environment, stdout: out.write)
        }
        let printed = await readOutput(out.read) { $0.contains("step 3 done") }
        #expect(printed.contains("step 3 done"), "the worker got through three steps: \(printed)")
        child.signal(SIGKILL)
        #expect(child.wait().signal == SIGKILL)

        // What the dead worker acknowledged is all there.
        let store = try SQLiteStore(path: db)
        let steps = try await store.steps("crash", "job-1")
        #expect(steps.map(\.name) == ["step-1", "step-2", "step-3"])
        #expect(steps.allSatisfy { $0.status == .completed && $0.attempts == 1 })
        let stranded = try await store.run("crash", "job-1")
        #expect(stranded.status == .running && stranded.currentStep == "step-3" && stranded.lease?.token == 1)
        #expect(try await store.checkpoint("crash", "job-1", .latest).state == ["done": 3])
        try await store.close()

        // Once the dead worker's lease has run out, a new worker takes over.
        try await Task.sleep(for: .milliseconds(2300))
        let second = try runProcess(worker, [db, "job-1", "5", "0", effects])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("claimed token 2 at step step-3 with 3 steps done"), "\(second.stdout)")
        #expect(!second.stdout.contains("step 3 done") && second.stdout.contains("step 4 done") && second.stdout.contains("run completed"))

        let reopened = try SQLiteStore(path: db)
        let run = try await reopened.run("crash", "job-1")
        #expect(run.status == .completed && run.fencingToken == 2)
        let all = try await reopened.steps("crash", "job-1")
        #expect(all.map(\.name) == (1...5).map { "step-\($0)" } && all.allSatisfy { $0.status == .completed && $0.attempts == 1 })
        #expect(try await reopened.checkpoint("crash", "job-1", .latest).state == ["done": 5])
        #expect(try await reopened.verifyChain("crash", stream: "run:job-1").valid)
        let performed = try String(contentsOfFile: effects, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(performed == (1...5).map { "notify-\($0)" }, "each external action happened exactly once")
        try await reopened.close()
    }
}
