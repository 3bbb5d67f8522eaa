import Foundation

/// A progress bar on stderr for long work, redrawn in place; drawn only on a terminal, so
/// scripts and logs read the summary line alone.
final class ProgressBar {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private var drawn = -1

    init(label: String) {
        self.label = label
    }

    func show(_ done: Int, of total: Int) {
        guard enabled else { return }
        let permille = total == 0 ? 1000 : min(1000, done * 1000 / total)
        guard permille != drawn else { return }
        drawn = permille
        let width = 30
        let filled = permille * width / 1000
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(permille / 10)% \(done)/\(total)".utf8))
    }

    /// For work whose size is not known ahead: a running count.
    func show(count: Int, of noun: String) {
        guard enabled else { return }
        drawn = count
        FileHandle.standardError.write(Data("\r\(label): \(count) \(noun)".utf8))
    }

    /// Ends the bar's line; once, however often it is called (on success and in a `defer`).
    func finish() {
        guard enabled, drawn >= 0 else { return }
        drawn = -1
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
