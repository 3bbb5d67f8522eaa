import AgentState
import AgentStateClient
import AgentStateTesting
import Foundation
import Testing

/// The server's wall clock jumped (NTP stepping it, a VM resumed), through libfaketime: the
/// server reads the offset from a file at every call, so the test moves its clock while it runs.
///
/// After each jump the test runs a sweep itself (as an admin) rather than waiting for the
/// server's sweeper: libfaketime also shifts the deadlines of monotonic timers, which the
/// kernel never does, so a jump back would stall the sweeper's sleep in this test only.
@Suite("Faults: the server's clock jumps")
struct ClockFaultTests {
    static let library = ["x86_64", "aarch64"].map { "/usr/lib/\($0)-linux-gnu/faketime/libfaketimeMT.so.1" }
        .first { FileManager.default.fileExists(atPath: $0) } ?? "libfaketimeMT.so.1"

    @Test("the clock jumps back an hour, forward two, and back again: timers and approval deadlines fire once each, not early, not twice; a lease the jump ended is fenced")
    func clockJumps() async throws {
        try #require(FileManager.default.fileExists(atPath: Self.library), "libfaketime is missing: scripts/test installs it (Debian's libfaketime)")
        let dir = temporaryDirectory()
        let offset = dir.appendingPathComponent("offset").path
        func jump(_ to: String) throws { try (to + "\n").write(toFile: offset, atomically: true, encoding: .utf8) }
        try jump("+0")
        let store = "sqlite:" + dir.appendingPathComponent("state.sqlite").path
        let key = try makeKey(store: store, tenant: "acme", role: "agent")
        let admin = try makeKey(store: store, tenant: "acme", role: "admin")
        let server = try await ServerProcess(store: store, environment: [
            "LD_PRELOAD": Self.library, "FAKETIME_TIMESTAMP_FILE": offset, "FAKETIME_NO_CACHE": "1",
            // Timeouts and the sweeper's pacing run on the monotonic clock, as they should.
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        ], viaShell: true)
        let client = AgentStateClient(baseURL: server.url, keys: ["acme": key])
        let operations = AgentStateClient(baseURL: server.url, keys: ["acme": admin])
        var tally = Tally()
        let count = 8
        // Runs waiting on a timer a minute out, and runs waiting on an approval due in a minute.
        for i in 0..<count {
            for kind in ["timer", "approval"] {
                let run = "\(kind)-\(i)"
                _ = await tally.call { try await client.createRun("acme", RunCreate(id: run, workflow: kind)) }
                let claimed = try #require(await tally.call { try await client.claim("acme", ClaimRequest(worker: "w", workflow: kind)) } ?? nil)
                if kind == "timer" {
                    _ = await tally.call { try await client.wait("acme", run, WaitRequest(until: Date().addingTimeInterval(60), fencingToken: claimed.lease.token)) }
                } else {
                    _ = await tally.call { try await client.requestApproval("acme", run, ApprovalRequest(approver: "ann", reason: "check", timeoutSeconds: 60)) }
                }
            }
        }
        // A run held under a lease of two minutes.
        _ = await tally.call { try await client.createRun("acme", RunCreate(id: "leased", workflow: "lease")) }
        let held = try #require(await tally.call { try await client.claim("acme", ClaimRequest(worker: "first", leaseSeconds: 120, workflow: "lease")) } ?? nil)

        func fired(_ run: String) async throws -> Int {
            let events = try await client.events("acme", stream: "run:\(run)", afterSeq: 0, limit: 100)
            return events.filter { $0.type == "timer.fired" || $0.type == "approval.expired" }.count
        }
        func firedCounts() async throws -> [Int] {
            var counts: [Int] = []
            for i in 0..<count { for kind in ["timer", "approval"] { counts.append(try await fired("\(kind)-\(i)")) } }
            return counts
        }

        try jump("-1h")
        #expect(await tally.call { try await operations.sweep() }?.timersFired == 0)
        #expect(try await firedCounts().allSatisfy { $0 == 0 }, "nothing fires early when the clock goes back")
        #expect(try await client.claim("acme", ClaimRequest(worker: "second", workflow: "lease")) == nil, "the lease still holds")

        try jump("+2h")
        let swept = await tally.call { try await operations.sweep() }
        #expect(swept?.timersFired == count && swept?.approvalsExpired == count, "\(String(describing: swept))")
        let afterForward = try await firedCounts()
        #expect(afterForward.allSatisfy { $0 == 1 }, "every deadline fired once after the jump forward: \(afterForward)")
        // The jump ended the lease: another worker takes the run, and the first is fenced off.
        let taken = try #require(try await client.claim("acme", ClaimRequest(worker: "second", workflow: "lease")))
        #expect(taken.lease.token > held.lease.token)
        await #expect(throws: AgentStateError.self, "the first worker's lease is gone") {
            _ = try await client.putStep("acme", "leased", "s", StepWrite(status: .completed, fencingToken: held.lease.token))
        }

        try jump("+0")
        // A timer set now, half an hour out, must not fire either.
        _ = await tally.call { try await client.wait("acme", "leased", WaitRequest(until: Date().addingTimeInterval(1800), fencingToken: taken.lease.token)) }
        #expect(await tally.call { try await operations.sweep() }?.timersFired == 0)
        #expect(try await client.run("acme", "leased").status == .waiting)
        let afterBack = try await firedCounts()
        #expect(afterBack == afterForward, "nothing fires twice when the clock goes back again")
        var lost = 0, duplicated = 0
        for c in afterBack { if c == 0 { lost += 1 } else if c > 1 { duplicated += c - 1 } }
        for i in 0..<count {
            #expect(try await client.verifyChain("acme", stream: "run:timer-\(i)").valid)
        }
        FaultRow("clock jumps (-1 h, +2 h, back)", faults: 3, tally, lost: lost, duplicated: duplicated).report()
        #expect(server.terminate() == 0)
    }
}
