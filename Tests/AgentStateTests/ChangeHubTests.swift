import AgentState
import Testing

@Suite("Change notices")
struct ChangeHubTests {
    let clock = ContinuousClock()

    @Test("a notice wakes the feeds of its stream only; one sent before the wait is kept")
    func notices() async throws {
        let hub = ChangeHub()
        let mine = hub.subscribe("acme", stream: "run:r")
        let other = hub.subscribe("acme", stream: "run:q")
        defer { mine.cancel(); other.cancel() }

        hub.notify([ChangedStream("acme", "run:r")])
        var start = clock.now
        await mine.next(timeout: .seconds(120))
        #expect(clock.now - start < .seconds(60), "a notice sent before the wait is not lost")

        start = clock.now
        async let woken: Void = mine.next(timeout: .seconds(120))
        try await Task.sleep(for: .milliseconds(100))
        hub.notify([ChangedStream("acme", "run:r"), ChangedStream("globex", "run:q")])
        await woken
        #expect(clock.now - start < .seconds(60))

        start = clock.now
        await other.next(timeout: .milliseconds(300))
        #expect(clock.now - start >= .milliseconds(300), "another tenant's stream of the same name did not wake it")
    }

    @Test("a wait ends at its timeout, or at once when its task is cancelled")
    func timeoutAndCancel() async throws {
        let hub = ChangeHub()
        let subscription = hub.subscribe("acme", stream: "session:s")
        defer { subscription.cancel() }
        var start = clock.now
        await subscription.next(timeout: .milliseconds(200))
        #expect(clock.now - start >= .milliseconds(200))

        start = clock.now
        let waiting = Task { await subscription.next(timeout: .seconds(120)) }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await waiting.value
        #expect(clock.now - start < .seconds(60))
    }

    @Test("notifyAll wakes every feed, and a cancelled subscription hears nothing more")
    func everyone() async throws {
        let hub = ChangeHub()
        let a = hub.subscribe("t", stream: "run:a"), b = hub.subscribe("t", stream: "session:b")
        hub.notifyAll()
        let start = clock.now
        await a.next(timeout: .seconds(120))
        await b.next(timeout: .seconds(120))
        #expect(clock.now - start < .seconds(60))
        a.cancel()
        hub.notify([ChangedStream("t", "run:a")])
        let again = clock.now
        await a.next(timeout: .milliseconds(200))
        #expect(clock.now - again >= .milliseconds(200), "cancelled: the notice did not reach it")
        b.cancel()
    }
}
