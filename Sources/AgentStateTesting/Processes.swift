import Foundation

/// What a finished child process said.
package struct Finished {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// Runs a command to its end and collects what it printed.
package func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Finished {
    let out = closingPipe(), err = closingPipe()
    let child: ChildProcess
    do {
        defer { close(out.write); close(err.write) }
        child = try ChildProcess(executable.path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                 stdout: out.write, stderr: err.write)
    }
    let outData = out.read.readDataToEndOfFile()
    let errData = err.read.readDataToEndOfFile()
    return Finished(status: child.wait().code, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// Finds an executable built beside the test bundle.
package func builtExecutable(_ name: String) -> URL {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [bundleDir, bundleDir.deletingLastPathComponent()] {
        let candidate = dir.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return bundleDir.appendingPathComponent(name)
}

/// Reads a child's output until `done` says so or the pipe closes, off the cooperative pool
/// (the reads block).
package func readOutput(_ handle: FileHandle, until done: @escaping @Sendable (String) -> Bool) async -> String {
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

package func temporaryDirectory() -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agentstate-e2e-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
