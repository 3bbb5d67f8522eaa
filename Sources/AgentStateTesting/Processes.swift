import Foundation

/// What a finished child process said.
package struct Finished {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// Runs a command to its end and collects what it printed.
package func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> Finished {
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    return Finished(status: exitStatus(of: p), stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// Waits for the child with `waitpid` itself: Foundation's `waitUntilExit` was seen never to
/// return for a script that starts a daemon (`scripts/postgres start` under `runuser`), though
/// the script had exited.
private func exitStatus(of p: Process) -> Int32 {
    var status: Int32 = 0
    while true {
        if waitpid(p.processIdentifier, &status, 0) != -1 { return (status >> 8) & 0xff }
        if errno != EINTR { break }
    }
    // Foundation reaped it first.
    p.waitUntilExit()
    return p.terminationStatus
}

