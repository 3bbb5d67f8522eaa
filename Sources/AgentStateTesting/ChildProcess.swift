import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, not Foundation's `Process`: on Linux its `run()`
/// (Swift 6.3.1) reads past a buffer while listing /proc/self/fd and now and then crashes the
/// whole test run (swift-corelibs-foundation pull request 5472).
package final class ChildProcess: Sendable {
    package let pid: pid_t
    /// The wait status, once the child has been reaped. Held only for a moment, never across a
    /// `waitpid` that blocks, so `signal` can always reach a child someone is waiting for.
    private let reaped = Mutex<Int32?>(nil)
    /// Taken by whoever reaps the child, so only one caller does.
    private let reaping = NSLock()

    /// Starts `executable`; `stdout` and `stderr`, when given, become the child's. Every other
    /// descriptor of this process is closed in the child, so no pipe of another child leaks
    /// into it (a reader would never see that pipe's end).
    package init(_ executable: String, _ arguments: [String], environment: [String: String],
                 stdout: Int32? = nil, stderr: Int32? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) }
        if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) }
        closeFrom(&actions, 3)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        // The child starts with every signal at its default and none blocked. Otherwise it
        // inherits the spawning thread's mask, and a dispatch worker blocks nearly every signal:
        // a server started from a test then ignored SIGTERM and outlived the run.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable): \(String(cString: strerror(rc)))"])
        }
        self.pid = pid
    }

    /// Waits for the child to end: its exit code, or the signal that ended it.
    @discardableResult
    package func wait() -> (code: Int32, signal: Int32?) {
        reaping.lock()
        defer { reaping.unlock() }
        var status: Int32 = 0
        if let known = reaped.withLock({ $0 }) {
            status = known
        } else {
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            reaped.withLock { $0 = status }
        }
        let signal = status & 0x7f
        return signal == 0 ? ((status >> 8) & 0xff, nil) : (signal, signal)
    }

    package var isRunning: Bool {
        if reaped.withLock({ $0 }) != nil { return false }
        // Someone is reaping it: it is running, or just ended.
        guard reaping.try() else { return true }
        defer { reaping.unlock() }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        reaped.withLock { $0 = status }
        return false
    }

    /// Sends `signal` unless the child has been reaped (its pid may then be another process's).
    package func signal(_ signal: Int32) {
        if reaped.withLock({ $0 }) == nil { kill(pid, signal) }
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
/// module does not show: looked up at run time.
private let closeFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
        fatalError("the tests need glibc 2.34 or later (posix_spawn_file_actions_addclosefrom_np)")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// A pipe for a child's output; its ends are also closed on exec.
package func closingPipe() -> (read: FileHandle, write: Int32) {
    var fds: [Int32] = [0, 0]
    precondition(pipe(&fds) == 0, "pipe: \(errno)")
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return (FileHandle(fileDescriptor: fds[0], closeOnDealloc: true), fds[1])
}
