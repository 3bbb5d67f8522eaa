import Foundation

/// `agentstate serve` as a child process on a free loopback port.
package final class ServerProcess: Sendable {
    package let child: ChildProcess
    package let port: Int
    /// What the server printed up to the line saying where it listens.
    package let startOutput: String
    package var url: String { "http://127.0.0.1:\(port)" }
    package var pid: pid_t { child.pid }

    /// Starts the server on `store` and waits for it to say where it listens: on a free port, or
    /// on `port` (a restarted server, for clients that keep their URL).
    ///
    /// `viaShell` starts it through `sh -c exec`, for an `LD_PRELOAD` library that must set itself
    /// up in a parent first: libfaketime 0.9.10, preloaded straight into the server, leaves it
    /// without its command-line arguments.
    package init(store: String, port: Int = 0, extraArguments: [String] = [], logLevel: String = "warning",
                 environment: [String: String] = [:], viaShell: Bool = false, errorLog: String? = nil) async throws {
        let arguments = ["serve", "--store", store, "--port", String(port)] + extraArguments
        let server = builtExecutable("agentstate").path
        var env = ProcessInfo.processInfo.environment
        env["LOG_LEVEL"] = logLevel
        env.merge(environment) { $1 }
        let out = closingPipe()
        let errorFD = errorLog.map { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        do {
            defer {
                close(out.write)
                if let errorFD, errorFD >= 0 { close(errorFD) }
            }
            child = viaShell
                ? try ChildProcess("/bin/sh", ["-c", #"exec "$0" "$@""#, server] + arguments, environment: env, stdout: out.write, stderr: errorFD)
                : try ChildProcess(server, arguments, environment: env, stdout: out.write, stderr: errorFD)
        }
        let line = await readOutput(out.read) { $0.contains("listening on") && $0.hasSuffix("\n") }
        guard let portText = line.split(separator: "\n").first(where: { $0.contains("listening on") })?.split(separator: ":").last,
            let port = Int(portText.trimmingCharacters(in: .whitespaces))
        else {
            child.signal(SIGTERM)
            child.wait()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the server did not start: \(line)"])
        }
        self.port = port
        startOutput = line
    }

    package func kill9() {
        child.signal(SIGKILL)
        child.wait()
    }

    /// SIGTERM, then waits for the exit status (or the signal that ended it).
    package func terminate() -> Int32 {
        child.signal(SIGTERM)
        return child.wait().code
    }

    deinit {
        if child.isRunning {
            kill(child.pid, SIGKILL)
            child.wait()
        }
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
