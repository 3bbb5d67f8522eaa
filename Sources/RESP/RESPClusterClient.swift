import NIOCore
import NIOPosix
import Synchronization

/// A Redis Cluster: each command goes to the node that serves its key's slot.
///
/// The slot map comes from `CLUSTER SLOTS`, asked of the configured nodes (the seeds) or of any
/// node learnt since. `MOVED` updates the map and sends the command again; `ASK` sends it once to
/// the importing node, after `ASKING`; `TRYAGAIN` and `CLUSTERDOWN` wait a little and retry; all
/// bounded by `maxRedirections`. Each node has its own pooled `RESPClient`.
public final class RESPClusterClient: Sendable {
    public typealias Endpoint = RESPConfiguration.Endpoint
    public let configuration: RESPConfiguration
    public let poolSize: Int
    public let maxRedirections = 5
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var slots: [Endpoint?] = Array(repeating: nil, count: RESPClusterSlot.count)
        var loaded = false
        var nodes: [Endpoint: RESPClient] = [:]
        var redirections = 0
        var closed = false
    }

    public init(configuration: RESPConfiguration, poolSize: Int = 2,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(RESPError) {
        guard configuration.database == 0 else { throw RESPError(.invalidURL, "a Redis Cluster has only database 0, not \(configuration.database)") }
        guard configuration.sentinelPrimary == nil else { throw RESPError(.invalidURL, "a Redis Cluster is not reached through sentinels") }
        self.configuration = configuration
        self.poolSize = poolSize
        self.group = group
    }

    /// How many `MOVED` and `ASK` replies were followed: for tests and metrics.
    public var redirectionsFollowed: Int { state.withLock { $0.redirections } }

    /// Sends one command to the node serving its key; an error reply is thrown.
    public func send(_ command: RESPCommand, timeout: Duration? = nil) async throws(RESPError) -> RESPValue {
        let reply = try await route([command], slot: command.routingKey.map(RESPClusterSlot.of), timeout: timeout)[0]
        if case .error(let message) = reply { throw RESPError(reply: message) }
        return reply
    }

    /// Sends commands whose keys share one slot (give them one `{hash tag}`) in one write to its
    /// node; `MULTI … EXEC` sent this way is one transaction there.
    public func pipeline(_ commands: [RESPCommand], timeout: Duration? = nil) async throws(RESPError) -> [RESPValue] {
        let slots = Set(commands.compactMap { $0.routingKey.map(RESPClusterSlot.of) })
        guard slots.count <= 1 else {
            throw RESPError(.server, "CROSSSLOT the commands' keys hash to \(slots.count) slots; give them one {hash tag}")
        }
        return try await route(commands, slot: slots.first, timeout: timeout)
    }

    public func close() async {
        let nodes = state.withLock { s in
            s.closed = true
            defer { s.nodes = [:] }
            return Array(s.nodes.values)
        }
        for node in nodes { await node.close() }
    }

    // MARK: Routing

    private enum Redirection {
        case moved(slot: Int, to: Endpoint)
        case ask(to: Endpoint)
        case retryLater
    }

    private func route(_ commands: [RESPCommand], slot: Int?, timeout: Duration?) async throws(RESPError) -> [RESPValue] {
        var askTarget: Endpoint?
        var attempt = 0
        while true {
            attempt += 1
            let endpoint: Endpoint
            if let askTarget { endpoint = askTarget } else { endpoint = try await node(for: slot) }
            var batch = commands
            if askTarget != nil { batch.insert(RESPCommand("ASKING"), at: 0) }
            let replies: [RESPValue]
            do {
                replies = try await client(for: endpoint).pipeline(batch, timeout: timeout)
            } catch where error.code == .connectFailed && attempt < maxRedirections {
                // Nothing was sent: the node may be gone, and the map with it.
                try? await refresh()
                try? await Task.sleep(for: .milliseconds(100 * attempt))
                continue
            }
            let own = askTarget != nil ? Array(replies.dropFirst()) : replies
            askTarget = nil
            // Only a redirection of the first keyed command sends the batch elsewhere: then none
            // of its keyed commands ran (they share the slot). A later one is left to the caller,
            // since what ran before it must not run twice.
            guard let first = commands.firstIndex(where: { $0.routingKey != nil }),
                  case .error(let message) = own[first], let redirection = Self.redirection(message, from: endpoint),
                  attempt < maxRedirections
            else { return own }
            switch redirection {
            case .moved(let movedSlot, let target):
                state.withLock { s in
                    s.slots[movedSlot] = target
                    s.redirections += 1
                }
                // Slots usually move in ranges: learn the whole new map.
                try? await refresh()
            case .ask(let target):
                state.withLock { $0.redirections += 1 }
                askTarget = target
            case .retryLater:
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    private static func redirection(_ message: String, from endpoint: Endpoint) -> Redirection? {
        let parts = message.split(separator: " ")
        switch parts.first {
        case "MOVED", "ASK":
            guard parts.count >= 3, let slot = Int(parts[1]), let colon = parts[2].lastIndex(of: ":"),
                  let port = Int(parts[2][parts[2].index(after: colon)...])
            else { return nil }
            // An empty host means the host of the node that answered.
            let host = parts[2][..<colon].isEmpty ? endpoint.host : String(parts[2][..<colon])
            let target = Endpoint(host: host, port: port)
            return parts[0] == "MOVED" ? .moved(slot: slot, to: target) : .ask(to: target)
        case "TRYAGAIN", "CLUSTERDOWN":
            return .retryLater
        default:
            return nil
        }
    }

    private func node(for slot: Int?) async throws(RESPError) -> Endpoint {
        if !state.withLock({ $0.loaded }) { try await refresh() }
        let chosen: Endpoint? = state.withLock { s in
            if let slot, let owner = s.slots[slot] { return owner }
            return s.slots.lazy.compactMap { $0 }.first
        }
        return chosen ?? configuration.endpoints[0]
    }

    private func client(for endpoint: Endpoint) -> RESPClient {
        state.withLock { s in
            if let client = s.nodes[endpoint] { return client }
            var node = configuration
            node.endpoints = [endpoint]
            let client = RESPClient(configuration: node, poolSize: poolSize, group: group)
            s.nodes[endpoint] = client
            return client
        }
    }

    /// Reads the slot map from the first node that answers: the known owners first, then the seeds.
    func refresh() async throws(RESPError) {
        let known = state.withLock { s in Array(Set(s.slots.compactMap { $0 })) }
        var reasons: [String] = []
        for endpoint in known + configuration.endpoints.filter({ !known.contains($0) }) {
            do {
                let reply = try await client(for: endpoint).send(RESPCommand("CLUSTER", "SLOTS"))
                var slots = [Endpoint?](repeating: nil, count: RESPClusterSlot.count)
                for range in reply.elements ?? [] {
                    guard let r = range.elements, r.count >= 3, let start = r[0].integer, let end = r[1].integer,
                          let primary = r[2].elements, primary.count >= 2, let port = primary[1].integer,
                          start >= 0, start <= end, end < RESPClusterSlot.count
                    else { continue }
                    let host = primary[0].string.flatMap { $0.isEmpty || $0 == "?" ? nil : $0 } ?? endpoint.host
                    for slot in Int(start)...Int(end) { slots[slot] = Endpoint(host: host, port: Int(port)) }
                }
                state.withLock { s in
                    s.slots = slots
                    s.loaded = true
                }
                return
            } catch {
                reasons.append("\(endpoint): \(error.message)")
            }
        }
        throw RESPError(.connectFailed, "no Redis Cluster node gave its slot map: \(reasons.joined(separator: "; "))")
    }
}
