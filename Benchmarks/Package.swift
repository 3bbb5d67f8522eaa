// swift-tools-version: 6.1
// Benchmarks live in their own package so the main build and the test command do not pay for
// the benchmark framework. Run from this folder: swift package benchmark
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "AgentStateBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(
            name: "BenchmarkFixture",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AgentState", package: root),
                .product(name: "AgentStateSQLite", package: root),
            ],
            path: "Benchmarks/Fixture"
        ),
    ] + ["ConversationTurn", "ManySessions", "RunStep", "ApprovalDay"].map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "BenchmarkFixture",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AgentState", package: root),
                .product(name: "AgentStateWorkloads", package: root),
            ],
            path: "Benchmarks/\(name)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    },
    swiftLanguageModes: [.v6]
)
