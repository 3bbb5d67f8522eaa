import AgentStateTesting
import Foundation
import Testing

@Suite("What a test's child processes start with")
struct ChildProcessTests {
    /// A child's signal state, from the kernel: `SigBlk` (blocked) and `SigIgn` (ignored), in hex.
    /// Spawned from a thread that blocks SIGTERM, SIGINT and SIGHUP, as a dispatch worker does.
    static func signalState() async throws -> [String: String] {
        let printed: Finished = try await withCheckedThrowingContinuation { continuation in
            Thread {
                var blocked = sigset_t(), old = sigset_t()
                sigemptyset(&blocked)
                for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&blocked, s) }
                pthread_sigmask(SIG_BLOCK, &blocked, &old)
                defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
                continuation.resume(with: Result {
                    try runProcess(URL(fileURLWithPath: "/bin/grep"), ["-E", "^Sig(Blk|Ign):", "/proc/self/status"])
                })
            }.start()
        }
        var state: [String: String] = [:]
        for line in printed.stdout.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { state[parts[0]] = parts[1] }
        }
        return state
    }

    @Test("a child blocks no signal and ignores none of the standard ones, so SIGTERM stops a server a test started")
    func defaultSignals() async throws {
        let state = try await Self.signalState()
        let blocked = try #require(state["SigBlk"].flatMap { UInt64($0, radix: 16) }, "\(state)")
        let ignored = try #require(state["SigIgn"].flatMap { UInt64($0, radix: 16) }, "\(state)")
        #expect(blocked == 0, "\(state)")
        // Signals 1 to 31 (bits 0 to 30); glibc keeps two real-time signals of its own.
        #expect(ignored & 0x7fff_ffff == 0, "\(state)")
    }

    @Test("under a plain `swift test`, a test that starts a server of its own fails at once and names ./scripts/test")
    func throwawayNeedsTheTestCommand() throws {
        for kind in ["redis", "postgres"] {
            #expect {
                _ = try ThrowawayServer.start(kind, environment: ["PATH": "/usr/bin:/bin"])
            } throws: { error in
                "\(error)".contains("AGENTSTATE_TEST_\(kind.uppercased()) is not set") && "\(error)".contains("./scripts/test")
            }
        }
    }
}
