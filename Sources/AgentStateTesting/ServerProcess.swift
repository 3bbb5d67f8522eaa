import Foundation

/// `agentstate serve` as a child process on a free loopback port.
package final class ServerProcess: @unchecked Sendable {
    package let process = Process()
    package let port: Int
    package var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the server on `store` and waits for it to say where it listens: on a free port, or
    /// on `port` (a restarted server, for clients that keep their URL).
    ///
    /// `viaShell` starts it through `sh -c exec`, for an `LD_PRELOAD` library that must set itself
    /// up in a parent first: libfaketime 0.9.10, preloaded straight into the server, leaves it
    /// without its command-line arguments.
    package init(store: String, port: Int = 0, extraArguments: [String] = [], logLevel: String = "warning",
                 environment: [String: String] = [:], viaShell: Bool = false, errorLog: String? = nil) async throws {
        let arguments = ["serve", "--store", store, "--port", String(port)] + extraArguments
        if viaShell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", #"exec "$0" "$@""#, builtExecutable("agentstate").path] + arguments
        } else {
            process.executableURL = builtExecutable("agentstate")
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["LOG_LEVEL"] = logLevel
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        if let errorLog {
            _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: errorLog)
        }
        try process.run()
        let handle = out.fileHandleForReading
        let line = await readOutput(handle) { $0.contains("listening on") && $0.hasSuffix("\n") }
        guard let portText = line.split(separator: "\n").first(where: { $0.contains("listening on") })?.split(separator: ":").last,
            let port = Int(portText.trimmingCharacters(in: .whitespaces))
        else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the server did not start: \(line)"])
        }
        self.port = port
    }

    package func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the exit status.
    package func terminate() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Makes a key with the CLI, straight in the store, and returns its secret.
package func makeKey(store: String, tenant: String, role: String) throws -> String {
    let r = try runProcess(builtExecutable("agentstate"), ["keys", "create", "--store", store, "--tenant", tenant, "--role", role])
    guard r.status == 0, let secret = r.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines), secret.hasPrefix("as_") else {
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "keys create failed: \(r.stderr)"])
    }
    return secret
}
