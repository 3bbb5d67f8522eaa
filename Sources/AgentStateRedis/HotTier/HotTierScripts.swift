import Crypto
import Foundation
import RESP

/// A Lua script and its SHA1, by which Redis knows it once loaded.
struct LuaScript: Sendable {
    let source: String
    let sha1: String

    init(_ source: String) {
        self.source = source
        sha1 = Insecure.SHA1.hash(data: Data(source.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What follows the script's SHA1 (or source) in `EVALSHA` (or `EVAL`).
    static func arguments(keys: [String], _ arguments: [RESPArgument]) -> [RESPArgument] {
        [.integer(Int64(keys.count))] + keys.map(RESPArgument.string) + arguments
    }
}

extension RESPClient {
    /// Runs a script by its SHA1, sending its source only when Redis does not have it (the
    /// first time, and after a restart emptied the script cache).
    func run(_ script: LuaScript, keys: [String], _ arguments: [RESPArgument]) async throws -> RESPValue {
        let tail = LuaScript.arguments(keys: keys, arguments)
        do {
            return try await send(RESPCommand("EVALSHA", [.string(script.sha1)] + tail))
        } catch {
            guard error.prefix == "NOSCRIPT" else { throw error }
            return try await send(RESPCommand("EVAL", [.string(script.source)] + tail))
        }
    }
}

/// The hot tier's multi-key changes, each one Lua script so that Redis applies it whole. Their
/// sources are the files of `Lua/`, each saying what it takes (KEYS, ARGV) and returns; they are
/// built into the binary, and `scripts/bench-redis` loads the same files into Redis.
enum HotTierScripts {
    /// A Lua function the scripts that see tool calls begin with.
    private static let recordCalls = text(PackageResources.recordCalls_lua)

    static let append = LuaScript(recordCalls + text(PackageResources.append_lua))
    static let claimAttempt = LuaScript(text(PackageResources.claimAttempt_lua))
    static let hydrate = LuaScript(recordCalls + text(PackageResources.hydrate_lua))
    static let markFlushed = LuaScript(text(PackageResources.markFlushed_lua))
    static let window = LuaScript(text(PackageResources.window_lua))
    static let setStatus = LuaScript(text(PackageResources.setStatus_lua))
    static let evictIfFlushed = LuaScript(text(PackageResources.evictIfFlushed_lua))
    static let range = LuaScript(text(PackageResources.range_lua))
    static let toolCall = LuaScript(text(PackageResources.toolCall_lua))

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
