import AgentState
import Foundation
import Testing

/// The behaviours every `StateStore` must show. A backend's test target runs each check
/// against a fresh store:
///
/// ```swift
/// @Test(arguments: Conformance.checks)
/// func conformance(_ check: Conformance.Check) async throws {
///     try await check.run(on: myBackend)
/// }
/// ```
public enum Conformance {
    public struct Check: Sendable, CustomTestStringConvertible {
        public let name: String
        let body: @Sendable (Harness) async throws -> Void

        public var testDescription: String { name }

        public func run(on backend: Backend) async throws {
            let clock = ManualClock()
            let harness = Harness(backend: backend, clock: clock, store: try await backend.make(clock))
            do {
                try await body(harness)
            } catch {
                try? await harness.store.close()
                throw error
            }
            try await harness.store.close()
        }
    }

    /// How the suite makes and handles stores of one backend.
    public struct Backend: Sendable {
        public var name: String
        /// A new, empty store reading time from the clock.
        public var make: @Sendable (ManualClock) async throws -> any StateStore
        /// Closes the store and opens the same storage again, or `nil` when nothing outlives
        /// the process (the in-memory store).
        public var reopen: (@Sendable (any StateStore, ManualClock) async throws -> any StateStore)?
        /// Rewrites the data of a stored event directly in the storage, bypassing the store.
        public var tamper: @Sendable (any StateStore, TenantID, _ stream: String, _ seq: Int64, JSONValue) async throws -> Void

        public init(name: String, make: @escaping @Sendable (ManualClock) async throws -> any StateStore,
                    reopen: (@Sendable (any StateStore, ManualClock) async throws -> any StateStore)?,
                    tamper: @escaping @Sendable (any StateStore, TenantID, String, Int64, JSONValue) async throws -> Void) {
            self.name = name
            self.make = make
            self.reopen = reopen
            self.tamper = tamper
        }
    }

    public final class Harness: Sendable {
        public let backend: Backend
        public let clock: ManualClock
        nonisolated(unsafe) public var store: any StateStore

        init(backend: Backend, clock: ManualClock, store: any StateStore) {
            self.backend = backend
            self.clock = clock
            self.store = store
        }
    }

    /// Every check but those named in `excluded` (for a backend that cannot do some of them,
    /// such as a remote client, which cannot reach the server's idempotency records).
    public static func checks(excluding excluded: Set<String>) -> [Check] {
        checks.filter { !excluded.contains($0.name) }
    }

    public static var checks: [Check] {
        sessionChecks + messageChecks + runChecks + stepChecks + effectChecks + leaseChecks + approvalChecks
            + waitChecks + checkpointChecks + historyChecks + memoryChecks + userChecks + tenancyChecks + keyChecks + auditChecks + retentionChecks
    }
}

let tenant: TenantID = "acme"
let otherTenant: TenantID = "globex"

/// Runs `body` and expects it to fail with `code`; returns the error for further checks.
@discardableResult
package func expectFailure<T>(_ code: AgentStateError.Code, _ what: String = "",
                      sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> T) async -> AgentStateError? {
    do {
        _ = try await body()
        Issue.record("expected \(code) \(what), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let e as AgentStateError {
        #expect(e.code == code, "\(what): \(e)", sourceLocation: sourceLocation)
        return e
    } catch {
        Issue.record("expected \(code) \(what), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

func check(_ name: String, _ body: @escaping @Sendable (Conformance.Harness) async throws -> Void) -> Conformance.Check {
    Conformance.Check(name: name, body: body)
}

extension StateStore {
    /// A run claimed by `worker`, for checks that start from a running run.
    func runningRun(_ tenant: TenantID, id: String? = nil, worker: String = "w1", userId: String? = nil,
                    sessionId: String? = nil) async throws -> ClaimedRun {
        let run = try await createRun(tenant, RunCreate(id: id, workflow: "wf-\(id ?? "x")", sessionId: sessionId, userId: userId,
                                                        input: ["task": "demo"]))
        let claimed = try await claim(tenant, ClaimRequest(worker: worker, leaseSeconds: 30, workflow: run.workflow))
        return try #require(claimed)
    }
}
