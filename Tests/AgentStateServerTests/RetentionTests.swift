import AgentState
import AgentStateTesting
import AgentStateServer
import Foundation
import HTTPTypes
import Testing

@Suite("API: retention")
struct RetentionTests {
    @Test("an admin sets the policy; a pass archives finished records past it as gzip JSON Lines, then removes them; agents may read the policy but not set it")
    func archiveThenRemove() async throws {
        let h = try await APIHarness.make()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agentstate-archive-\(UUID().uuidString)").path
        try await h.run(configure: { config in config.archiveDirectory = dir }) { (c: APIHarness.Client) async throws in
            #expect(try await c.call(.put, "/v1/retention", #"{"sessions_days":30}"#).status == 403, "an agent key may not set it")
            let set = try await c.call(.put, "/v1/retention", #"{"sessions_days":30,"runs_days":400000}"#, key: h.admin)
            #expect(set.status == 422 && set["field"] == "runs_days", "\(set.text)")
            #expect(try await c.call(.put, "/v1/retention", #"{"sessions_days":30}"#, key: h.admin).status == 200)
            #expect(try await c.call(.get, "/v1/retention")["sessions_days"] == 30)

            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"old"}"#).status == 201)
            #expect(try await c.call(.post, "/v1/sessions/old/messages", #"{"messages":[{"role":"user","content":"remember me"}]}"#).status == 201)
            #expect(try await c.call(.post, "/v1/sessions/old/close").status == 200)
            #expect(try await c.call(.post, "/v1/sessions", #"{"id":"live"}"#).status == 201)
            h.clock.advance(by: 31 * 86_400)

            let pass = try await c.call(.post, "/v1/admin/retention", key: h.admin)
            #expect(pass.status == 200 && pass["archived"] == 1 && pass["removed"]?["messages"] == 1, "\(pass.text)")
            #expect(try await c.call(.get, "/v1/sessions/old").status == 404)
            #expect(try await c.call(.get, "/v1/sessions/live").status == 200)

            let file = try #require(pass["archive"]?.stringValue)
            let unzipped = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-dc", (dir as NSString).appendingPathComponent(file)])
            #expect(unzipped.status == 0)
            let text = unzipped.stdout
            let lines = text.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("\"old\"") && lines[0].contains("remember me"), "\(text)")
            let mode = try FileManager.default.attributesOfItem(atPath: (dir as NSString).appendingPathComponent(file))[.posixPermissions] as? Int
            #expect(mode == 0o600, "the archive is the owner's alone")
            #expect(try await c.call(.post, "/v1/admin/retention", key: h.admin)["archived"] == 0, "nothing left to do")
        }
    }
}
