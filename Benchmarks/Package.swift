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
        .executableTarget(
            name: "ConversationTurn",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AgentState", package: root),
                .product(name: "AgentStateSQLite", package: root),
            ],
            path: "Benchmarks/ConversationTurn",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ],
    swiftLanguageModes: [.v6]
)
