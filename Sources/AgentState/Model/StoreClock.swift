import Foundation
import Synchronization

/// Where a store reads the time. Stores keep milliseconds, so readings are cut to whole ones
/// and every backend sees the same instants.
public protocol StoreClock: Sendable {
    func now() -> Date
}

extension Date {
    /// This instant cut to whole milliseconds, the precision every backend stores.
    public var wholeMilliseconds: Date { Date(millisecondsSince1970: millisecondsSince1970) }

    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// This instant moved by `seconds`, kept to whole milliseconds so that it reads back equal
    /// from every backend.
    public func adding(seconds: TimeInterval) -> Date { (self + seconds).wholeMilliseconds }

    public init(millisecondsSince1970 ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }
}

public struct SystemClock: StoreClock {
    public init() {}
    public func now() -> Date { Date().wholeMilliseconds }
}

/// A clock that moves only when told to: for tests of leases, timers and expiry.
public final class ManualClock: StoreClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start.wholeMilliseconds)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = ($0 + seconds).wholeMilliseconds }
    }
}
