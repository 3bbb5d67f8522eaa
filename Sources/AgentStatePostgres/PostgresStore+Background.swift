import AgentState
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// The store's connections and its LISTEN loop: what runs in the background of a store.
    struct Background: Sendable {
        let client: PostgresClient
        let channel: String
        /// This store's row in `feed_listeners`.
        let id: String
        let changes: ChangeHub
        let flag: Flag
        let logger: Logger
        /// Off behind a transaction-mode pooler, where a LISTEN would not keep its session.
        let listens: Bool

        /// How long a row in `feed_listeners` holds without being renewed, and how often it is.
        static let lease = 30
        static let renewal = 10

        /// The client's connections, and the LISTEN loop beside them, until cancelled.
        func run() async {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                if listens { group.addTask { await listen() } }
            }
        }

        /// While feeds are subscribed, holds one pooled connection listening on the channel and
        /// relays what arrives to them. After a lost connection it listens again; whenever it
        /// starts listening it wakes every feed, since changes made meanwhile were not heard.
        ///
        /// With no feed open it does not listen, and its row in `feed_listeners` is gone: when no
        /// server listens, writes send no notice at all (see `PostgresTransaction.announcement`).
        /// A write that began before the row was committed may still send none; the feeds
        /// recheck on their own every second, which bounds that rare delay.
        private func listen() async {
            var firstSubscriptions = changes.firstSubscriptions.makeAsyncIterator()
            while !Task.isCancelled {
                if !changes.hasSubscribers {
                    guard await firstSubscriptions.next() != nil else { return }
                    continue
                }
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            try await client.withConnection { connection in
                                try await register(on: connection)
                                try await connection.listen(on: channel) { notifications in
                                    changes.notifyAll()
                                    flag.set(true)
                                    for try await notification in notifications {
                                        let parts = notification.payload.split(separator: "\n", maxSplits: 1).map(String.init)
                                        if parts.count == 2 { changes.notify([ChangedStream(parts[0], parts[1])]) }
                                    }
                                }
                            }
                        }
                        group.addTask {
                            // Stops once no feed has been open for a few seconds, not at each
                            // feed's end: a client reconnecting finds the listener still there.
                            var (idle, elapsed) = (0, 0)
                            while idle < 3 {
                                try await Task.sleep(for: .seconds(1))
                                idle = changes.hasSubscribers ? 0 : idle + 1
                                elapsed += 1
                                if elapsed % Self.renewal == 0 { try await client.withConnection { try await register(on: $0) } }
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                    flag.set(false)
                    await unregister()
                    // The notices ended by themselves rather than for want of feeds: not at once again.
                    if changes.hasSubscribers { try? await Task.sleep(for: .seconds(1)) }
                } catch {
                    flag.set(false)
                    if Task.isCancelled {
                        await unregister()
                        return
                    }
                    logger.debug("listening for changes failed; trying again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }

        /// Writes or renews this store's row (committed before it listens, so that writes
        /// committed after it send their notices), and clears rows long expired.
        private func register(on connection: PostgresConnection) async throws {
            let seconds = "\(Self.lease) seconds"
            try await connection.query("""
                INSERT INTO feed_listeners (server, expires_at) VALUES (\(id), now() + \(seconds)::interval)
                ON CONFLICT (server) DO UPDATE SET expires_at = excluded.expires_at
                """, logger: logger)
            try await connection.query("DELETE FROM feed_listeners WHERE expires_at < now() - interval '1 hour'", logger: logger)
        }

        /// Removes this store's row: writes stop sending notices once no server has one.
        private func unregister() async {
            _ = try? await client.withConnection { connection in
                try await connection.query("DELETE FROM feed_listeners WHERE server = \(id)", logger: logger)
            }
        }
    }
}
