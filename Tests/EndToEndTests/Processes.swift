import AgentStateTesting
import Foundation

/// Finds an executable built beside the test bundle.
func builtExecutable(_ name: String) -> URL {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [bundleDir, bundleDir.deletingLastPathComponent()] {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return bundleDir.appendingPathComponent(name)
}

/// Reads a child's output until `done` says so or the pipe closes, off the cooperative pool
/// (the reads block).
func readOutput(_ handle: FileHandle, until done: @escaping @Sendable (String) -> Bool) async -> String {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            var seen = ""
            while !done(seen) {
                let data = handle.availableData
                if data.isEmpty { break }
                seen += String(decoding: data, as: UTF8.self)
            }
            continuation.resume(returning: seen)
        }
    }
}

func temporaryDirectory() -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agentstate-e2e-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
