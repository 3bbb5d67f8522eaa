// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "AgentState",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AgentState", targets: ["AgentState"]),
        .library(name: "AgentStateSQLite", targets: ["AgentStateSQLite"]),
        .library(name: "AgentStatePostgres", targets: ["AgentStatePostgres"]),
        .library(name: "AgentStateTesting", targets: ["AgentStateTesting"]),
        .library(name: "RESP", targets: ["RESP"]),
        .library(name: "AgentStateRedis", targets: ["AgentStateRedis"]),
        .library(name: "AgentStateServer", targets: ["AgentStateServer"]),
        .library(name: "AgentStateClient", targets: ["AgentStateClient"]),
        .library(name: "AgentStateWorkloads", targets: ["AgentStateWorkloads"]),
        .executable(name: "agentstate", targets: ["agentstate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // The domain: types, the run state machine, errors, the StateStore seam and the
        // in-memory store. No I/O.
        .target(
            name: "AgentState",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "AgentStateSQLite",
            dependencies: ["AgentState", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        // The durable store for many servers.
        .target(
            name: "AgentStatePostgres",
            dependencies: [
                "AgentState",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Redis's RESP3 protocol on SwiftNIO; knows nothing of agents.
        .target(
            name: "RESP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // The Redis hot tier, and what a deployment's Redis must be for it.
        .target(
            name: "AgentStateRedis",
            dependencies: [
                "AgentState", "RESP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The hot tier's Lua scripts, kept as scripts and built into the binary.
            resources: ["recordCalls", "append", "claimAttempt", "hydrate", "markFlushed", "window", "setStatus", "evictIfFlushed", "range",
                        "toolCall"].map { .embedInCode("HotTier/Lua/\($0).lua") },
            swiftSettings: strict
        ),
        // The system's zlib, for the retention archive's gzip files.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // The HTTP/JSON API over any StateStore.
        .target(
            name: "AgentStateServer",
            dependencies: [
                "AgentState", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The API's contract and the operator page's templates, reviewed as files and built
            // into the binary (no resource files to ship beside it).
            resources: [.embedInCode("OpenAPI/openapi.json"), .embedInCode("UI/Templates")],
            swiftSettings: strict
        ),
        // A Swift client for the server; it is itself a StateStore.
        .target(
            name: "AgentStateClient",
            dependencies: [
                "AgentState",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The benchmark workloads, defined once for `agentstate bench` and for Benchmarks/.
        .target(
            name: "AgentStateWorkloads",
            dependencies: ["AgentState"],
            swiftSettings: strict
        ),
        // The conformance suite every backend runs.
        .target(
            name: "AgentStateTesting",
            dependencies: ["AgentState"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "agentstate",
            dependencies: [
                "AgentState",
                "AgentStateSQLite",
                "AgentStatePostgres",
                "AgentStateRedis",
                "RESP",
                "AgentStateServer",
                "AgentStateClient",
                "AgentStateWorkloads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The README's example of embedding the library.
        .executableTarget(
            name: "agentstate-quickstart",
            dependencies: ["AgentState", "AgentStateSQLite"],
            path: "Examples/QuickStart",
            swiftSettings: strict
        ),
        // The README's example agent: a run that waits for an operator's approval.
        .executableTarget(
            name: "agentstate-example-agent",
            dependencies: ["AgentState", "AgentStateClient"],
            path: "Examples/ApprovalAgent",
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgentStateTests",
            dependencies: ["AgentState", "AgentStateTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgentStateSQLiteTests",
            dependencies: [
                "AgentState", "AgentStateSQLite", "AgentStateTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgentStatePostgresTests",
            dependencies: ["AgentState", "AgentStatePostgres", "AgentStateTesting", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RESPTests",
            dependencies: ["RESP", "AgentStateTesting", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgentStateRedisTests",
            dependencies: [
                "AgentState", "AgentStateRedis", "AgentStateSQLite", "AgentStatePostgres", "AgentStateTesting", "RESP",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgentStateServerTests",
            dependencies: [
                "AgentState", "AgentStateServer", "AgentStateSQLite", "AgentStateTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AgentStateClientTests",
            dependencies: [
                "AgentState", "AgentStateServer", "AgentStateClient", "AgentStateTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Tests that drive real processes: the CLI, and workers killed mid-run.
        .executableTarget(
            name: "AgentStateTestWorker",
            dependencies: ["AgentState", "AgentStateSQLite"],
            path: "Tests/AgentStateTestWorker",
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "AgentState", "AgentStateSQLite", "AgentStateClient", "AgentStateTesting", "agentstate", "AgentStateTestWorker",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The fault suite: real server processes and engines, killed and stopped under load.
        .testTarget(
            name: "FaultTests",
            dependencies: ["AgentState", "AgentStateClient", "AgentStateTesting", "agentstate"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
