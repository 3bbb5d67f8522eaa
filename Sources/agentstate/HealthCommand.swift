import AgentState
import AgentStateServer
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A probe for places with no HTTP client of their own: the container image's HEALTHCHECK runs
/// the binary it already has instead of shipping curl.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Ask a running server whether it is live (or ready); exit 0 if it is, 1 if not.")

    @Option(help: "The server (default http://127.0.0.1 on the port serve reads: AGENTSTATE_PORT, the port of the AGENTSTATE_CONFIG file, or 8080).") var server: String?
    @Flag(help: "Ask /health/ready (the store answers) instead of /health/live.") var ready = false
    @Option(help: "Seconds to wait for the answer.") var timeout = 3

    func run() async throws {
        // The port as `serve` reads it, beside which the probe runs (the container's HEALTHCHECK).
        let port = try Settings(environment: ProcessInfo.processInfo.environment).text("port") ?? "8080"
        let base = server ?? "http://127.0.0.1:\(port)"
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw AgentStateError.invalidInput(field: "server", "'\(base)' is not an http:// or https:// URL")
        }
        guard timeout > 0 else { throw AgentStateError.invalidInput(field: "timeout", "must be at least 1 second") }
        let url = base.trimmingSuffix("/") + (ready ? "/health/ready" : "/health/live")
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(Int64(timeout)))
        } catch {
            throw AgentStateError(.unavailable, "\(url): no answer (\(error))")
        }
        let body = try await response.body.collect(upTo: 64 * 1024)
        print("\(url): \(response.status.code) \(String(buffer: body))")
        guard response.status == .ok else { throw ExitCode.failure }
    }
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
