import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's memory: the server's for `/metrics` (what a load test reads to learn the
/// server's footprint from outside it), and `agentstate bench`'s own.
public enum ProcessMemory {
    /// The most the process has held resident since it started.
    public static var peakResidentBytes: Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) * 1024  // Linux reports KiB
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss)  // Darwin reports bytes
        #endif
    }

    /// What it holds resident now (Linux's /proc/self/statm; nil where there is none).
    public static var residentBytes: Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}
