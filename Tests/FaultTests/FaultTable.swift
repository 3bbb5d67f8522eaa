/// One row of the fault suite's table. Each test prints its row as a `FAULT|` line, and
/// `scripts/test` gathers them into the table it prints at the end (RELIABILITY.md keeps the
/// latest).
struct FaultRow {
    var scenario: String
    var faults: Int
    var requests: Int
    var acknowledged: Int
    var lost: Int
    var duplicated: Int

    init(_ scenario: String, faults: Int, _ tally: Tally, lost: Int, duplicated: Int) {
        self.scenario = scenario
        self.faults = faults
        requests = tally.requests
        acknowledged = tally.acknowledged
        self.lost = lost
        self.duplicated = duplicated
    }

    func report() {
        print("FAULT|\(scenario)|\(faults)|\(requests)|\(acknowledged)|\(lost)|\(duplicated)")
    }
}
