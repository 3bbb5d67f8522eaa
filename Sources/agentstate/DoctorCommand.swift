import AgentState
import AgentStatePostgres
import AgentStateRedis
import AgentStateSQLite
import AgentStateServer
import ArgumentParser
import Foundation
import RESP

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a deployment's store and Redis against what agents need of them: durability, eviction, access, room.",
        discussion: "Exits 1 when something must be fixed; warnings alone exit 0.")

    @Option(name: .long, help: "Store URL (env AGENTSTATE_STORE); ./agentstate.sqlite by default.")
    var store: String?

    @Option(name: .long, help: "The Redis hot tier: redis://, rediss:// or redis+sentinel:// (env AGENTSTATE_CACHE).")
    var cache: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    mutating func run() async throws {
        let settings = try Settings(environment: ProcessInfo.processInfo.environment)
        var storeURL = try StoreURL(parsing: store ?? settings.secretText("store") ?? StoreURL.default.description)
        var cacheURL = try cache ?? settings.secretText("cache")
        if case .tiered(let redis, let durable) = storeURL {
            storeURL = durable
            cacheURL = cacheURL ?? redis
        }
        var findings = await storeFindings(storeURL)
        if let cacheURL {
            let configuration: RESPConfiguration
            do {
                configuration = try RESPConfiguration(url: cacheURL)
            } catch {
                throw AgentStateError.invalidInput(field: "cache", error.message)
            }
            findings += await redisFindings(configuration)
        }

        if json {
            print(try Output.json(findings))
        } else {
            print(Output.table(["LEVEL", "COMPONENT", "CHECK", "FOUND", "TO DO"],
                               findings.map { [$0.level.rawValue, $0.component, $0.check, $0.detail, $0.advice ?? ""] }))
            let failures = findings.filter { $0.level == .failure }.count
            let warnings = findings.filter { $0.level == .warning }.count
            print("\n\(failures) to fix, \(warnings) to consider, \(findings.count - failures - warnings) fine")
        }
        if findings.contains(where: { $0.level == .failure }) { throw ExitCode(1) }
    }

    private func storeFindings(_ url: StoreURL) async -> [DeploymentFinding] {
        if case .sqlite(let path, _) = url, !FileManager.default.fileExists(atPath: path) {
            return [DeploymentFinding("sqlite \(path)", "file", .failure, "no store at \(path)",
                                      advice: "start the server once, or run agentstate migrate --store \(url)")]
        }
        do {
            let opened = try await StoreOpener.open(url)
            var findings: [DeploymentFinding] = []
            var failure: (any Error)?
            do {
                switch opened {
                case let sqlite as SQLiteStore: findings = try await sqlite.deploymentFindings()
                case let postgres as PostgresStore: findings = try await postgres.deploymentFindings()
                default: findings = [DeploymentFinding("\(url)", "durability", .warning, "kept in memory: gone when the process ends",
                                                       advice: "use sqlite: or postgres:// for anything but tests")]
                }
            } catch {
                failure = error
            }
            try? await opened.close()
            if let failure { throw failure }
            return findings
        } catch let error as AgentStateError {
            return [DeploymentFinding("store", "open", .failure, error.message)]
        } catch {
            return [DeploymentFinding("store", "open", .failure, "\(error)")]
        }
    }

    private func redisFindings(_ configuration: RESPConfiguration) async -> [DeploymentFinding] {
        let client = RESPClient(configuration: configuration, poolSize: 1)
        let component = "redis \(configuration.sentinelPrimary.map { "primary '\($0)' via sentinels" } ?? "\(configuration.endpoints[0])")"
        do {
            let observed = try await RedisDeploymentCheck.observe(client)
            await client.close()
            return RedisDeploymentCheck.findings(observed, component: component)
        } catch {
            await client.close()
            return [DeploymentFinding(component, "connect", .failure, error.message)]
        }
    }
}
