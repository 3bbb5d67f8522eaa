import AgentState
import Hummingbird
import NIOCore
import Logging
import ServiceLifecycle

/// The server: the API over `store`, the sweeper beside it, both stopped gracefully.
/// `storeServices` run the store's background work (a tiered store's flusher, the SQLite WAL
/// checkpointer): they stop after the HTTP server and before the store closes.
/// `underlyingServices` are what the store itself stands on (a PostgreSQL store's connections):
/// they stop last, after the store has written what it held on closing.
public func buildApplication(store: any StateStore, configuration: ServerConfiguration, logger: Logger,
                             storeServices: [any Service] = [], underlyingServices: [any Service] = [],
                             onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let (router, services) = buildRouter(store: store, configuration: configuration, logger: logger, storeServices: storeServices,
                                         underlyingServices: underlyingServices)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "agentstate"),
        services: services,
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The router of every route the server answers, and the services that run beside it. Apart
/// from `buildApplication` so that a test can hold the routes to the OpenAPI document.
package func buildRouter(store: any StateStore, configuration: ServerConfiguration, logger: Logger,
                         storeServices: [any Service] = [], underlyingServices: [any Service] = []) -> (router: Router<AppRequestContext>, services: [any Service]) {
    let metrics = ServerMetrics()
    let changes = (store as? any ChangeNotifying)?.changes
    let answers = (store as? any AnswerKeeping)?.answers ?? AnswerQueue.writingThrough(store)
    let tiers = store as? any TierHealthReporting
    let shared = store as? any SharedRateLimiting
    let store = InstrumentedStore(SecretGuard(store, policy: configuration.secrets) { kind, policy in metrics.recordSecret(kind, policy) },
                                  metrics: metrics)
    let router = Router(context: AppRequestContext.self)
    let retention = RetentionPass(store: store, directory: configuration.archiveDirectory)
    var api = AgentStateAPI(store: store, limits: configuration.limits, keyCache: KeyCache(), retention: retention, changes: changes,
                            streamSlots: StreamSlots(limit: configuration.limits.maxEventStreams, perKey: configuration.limits.maxEventStreamsPerKey))
    api.feedRecheckInterval = configuration.feedRecheckInterval
    api.tiers = tiers
    router.middlewares.add(MetricsMiddleware(metrics: metrics))
    let routes = RouteTable(document: OpenAPIDocument.json)
    router.middlewares.add(ProblemMiddleware(routes: routes))
    api.addHealthRoutes(to: router)
    api.addMetricsRoute(to: router, metrics: metrics)
    let v1 = router.group("v1")
        .add(middleware: AuthMiddleware(store: store, cache: api.keyCache, failureLimit: configuration.authFailureLimit))
    if let limit = configuration.rateLimit {
        let limiter = shared?.sharedRateLimiter ?? LocalRateLimiter()
        v1.add(middleware: RateLimitMiddleware(limiter: limiter, limit: limit))
    }
    let audit = configuration.audit == .off ? nil : AuditWriter(store: store, logger: logger, retention: .seconds(configuration.auditRetentionDays * 86_400),
                                                                changesOnly: configuration.audit == .changes)
    if let audit { v1.add(middleware: AuditMiddleware(writer: audit)) }
    OperatorPage(store: store, tiers: tiers, audit: audit).addRoutes(to: router)
    v1.add(middleware: QueryCheckMiddleware(routes: routes))
    v1.add(middleware: IdempotencyMiddleware(store: store, limits: configuration.limits, answers: answers))
    api.addRoutes(to: v1)
    // Shutdown runs in reverse: the HTTP server drains its requests, then the sweeper stops,
    // and the store closes last.
    // The audit writer stops before the store closes, writing what it still holds; the store's
    // own services (a tiered store's flusher, which drains its outbox) stop just before it closes.
    let services: [any Service] = underlyingServices + [StoreCloser(store: store, answers: answers)] + storeServices + (audit.map { [$0] } ?? [])
        + (configuration.sweepInterval.map { [SweeperService(sweeper: Sweeper(store: store, interval: $0))] } ?? [])
        + (configuration.retentionInterval.map { [RetentionService(pass: retention, interval: $0, logger: logger)] } ?? [])
    return (router, services)
}

/// Runs the sweeper until the service group shuts down.
struct SweeperService: Service {
    let sweeper: Sweeper

    func run() async throws {
        await cancelWhenGracefulShutdown { await sweeper.run() }
    }
}

/// Closes the store once everything else has stopped, after writing the answers it holds.
struct StoreCloser: Service {
    let store: any StateStore
    let answers: AnswerQueue

    func run() async throws {
        try? await gracefulShutdown()
        await answers.close()
        try await store.close()
    }
}

extension AnswerQueue {
    /// For a store that keeps no queue of its own (the tiered store, a remote one): each
    /// answer written by itself, shortly after the request.
    static func writingThrough(_ store: any StateStore) -> AnswerQueue {
        let queue = AnswerQueue()
        queue.setFlush { [weak queue] in
            guard let queue else { return }
            for answer in queue.take() {
                let written = (try? await store.finishIdempotent(answer.attempt, status: answer.status, headers: answer.headers, body: answer.body)) != nil
                queue.settle([answer], written: written)
            }
        }
        return queue
    }
}
