import AgentStateTesting
import Foundation
import RESP

extension TestRedis {
    static func configuration(tls: Bool = false) throws -> RESPConfiguration {
        try RESPConfiguration(url: url(tls: tls))
    }

    /// A key no other test uses.
    static func key(_ name: String) -> String {
        "test:\(name):\(UUID().uuidString)"
    }
}
