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

/// The hot tier's multi-key changes, each one Lua script so that Redis applies it whole.
enum HotTierScripts {
    /// Records tool calls in the calls hash (field: call id, value: `requestSeq<TAB>answerSeq`,
    /// the answer empty while pending) from lines `seq<TAB>r|a<TAB>call id`, oldest first: a
    /// request (again) starts the call afresh, an answer counts if it is the first after the
    /// request. A call asked for before the cached turns is not there, and is looked up in the
    /// durable store.
    private static let recordCalls = """
        local function record_calls(key, lines)
          for seq, kind, id in string.gmatch(lines, '(%d+)\\t(%a)\\t([^\\n]+)') do
            if kind == 'r' then
              redis.call('HSET', key, id, seq .. '\\t')
            else
              local call = redis.call('HGET', key, id)
              if call and string.sub(call, -1) == '\\t' and tonumber(seq) > tonumber(string.match(call, '^%d+')) then
                redis.call('HSET', key, id, call .. seq)
              end
            end
          end
        end

        """

    /// Appends messages if the session is cached, active, and (when asked) still at the expected
    /// seq; numbers them; records the session in the outbox; and takes the TTL off the session's
    /// keys, since they now hold turns the durable store lacks (under a `volatile-*` policy,
    /// keys without a TTL are never evicted).
    ///
    /// It also publishes a change notice, so that other servers' change feeds hear of the turn
    /// at once, without another round trip.
    ///
    /// An append made for a request with an `Idempotency-Key` names its attempt: the script
    /// refuses it if another attempt holds the key's marker, and marks the attempt as the one
    /// that appended (`token|1`) in the same step as the append (see `claimAttempt`).
    ///
    /// KEYS: meta, recent, outbox, times, calls, the idempotency marker. ARGV: expected last seq
    /// or "", tenant, session, index of the first system message in the batch or 0, the notice
    /// channel, the notice, the messages' creation time in milliseconds, the tool calls asked
    /// for and answered (lines `index<TAB>r|a<TAB>call id`, index 1 for the first message) or
    /// "", the attempt's token or "", then the messages' JSON. Returns {"OK", first seq,
    /// hydration token} or {"MISS"} or {"CLOSED", last} or {"CONFLICT", last} or {"TAKEN"}.
    static let append = LuaScript(recordCalls + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {'MISS'} end
        local meta = redis.call('HMGET', KEYS[1], 'last', 'status', 'system', 'gen')
        local last = tonumber(meta[1])
        if meta[2] ~= 'active' then return {'CLOSED', last} end
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= last then return {'CONFLICT', last} end
        if ARGV[9] ~= '' then
          local holder = redis.call('GET', KEYS[6])
          if holder and holder ~= ARGV[9] and holder ~= ARGV[9] .. '|1' then return {'TAKEN'} end
        end
        local n = #ARGV - 9
        for i = 1, n do
          redis.call('RPUSH', KEYS[2], (last + i) .. '\\t' .. ARGV[9 + i])
          redis.call('ZADD', KEYS[4], ARGV[7], string.format('%019d', last + i))
        end
        if ARGV[8] ~= '' then
          record_calls(KEYS[5], string.gsub(ARGV[8], '(%d+)\\t', function (i) return (last + tonumber(i)) .. '\\t' end))
          redis.call('PERSIST', KEYS[5])
        end
        local system = tonumber(ARGV[4])
        if system > 0 and not meta[3] then
          redis.call('HSET', KEYS[1], 'system', last + system, 'system_entry', (last + system) .. '\\t' .. ARGV[9 + system])
        end
        redis.call('HSET', KEYS[1], 'last', last + n)
        redis.call('PERSIST', KEYS[1])
        redis.call('PERSIST', KEYS[2])
        redis.call('PERSIST', KEYS[4])
        redis.call('XADD', KEYS[3], '*', 't', ARGV[2], 's', ARGV[3], 'last', last + n)
        if ARGV[9] ~= '' then redis.call('SET', KEYS[6], ARGV[9] .. '|1', 'EX', 86400) end
        redis.call('PUBLISH', ARGV[5], ARGV[6])
        return {'OK', last + 1, meta[4] or ''}
        """)

    /// A retry taking over an idempotent request's key (its first attempt's server died):
    /// answers `APPLIED` if an attempt appended already, and otherwise makes the marker the
    /// retry's, so that an append of the old attempt, were it only slow, is refused. Appends and
    /// this script run one at a time, so exactly one of the two attempts can append.
    ///
    /// KEYS: the marker. ARGV: the retry's token. Returns "APPLIED" or "OK".
    static let claimAttempt = LuaScript("""
        local holder = redis.call('GET', KEYS[1])
        if holder and string.sub(holder, -2) == '|1' then return 'APPLIED' end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', 86400)
        return 'OK'
        """)

    /// Caches a session read from the durable store, unless it is cached already (another
    /// server may have done it, and appended since).
    ///
    /// The hydration token (`gen`) is new with every hydration: with the last seq, it names the
    /// window's content, since the summary and system message change only through a new
    /// hydration or an append.
    ///
    /// KEYS: meta, recent, times, calls. ARGV: last seq, status, ttl seconds, system seq or "",
    /// system entry or "", the summary's JSON or "", the hydration token, the tool calls of the
    /// messages (lines `seq<TAB>r|a<TAB>call id`) or "", then for each of the newest messages,
    /// oldest first and ending at the last seq, its creation time in milliseconds and its entry
    /// (`seq<TAB>json`). Returns 1 if it cached the session, 0 if it was cached already.
    static let hydrate = LuaScript(recordCalls + """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
        record_calls(KEYS[4], ARGV[8])
        redis.call('HSET', KEYS[1], 'last', ARGV[1], 'flushed', ARGV[1], 'status', ARGV[2], 'summary', ARGV[6], 'gen', ARGV[7])
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'system', ARGV[4], 'system_entry', ARGV[5]) end
        for i = 9, #ARGV, 2 do
          local entry = ARGV[i + 1]
          redis.call('RPUSH', KEYS[2], entry)
          redis.call('ZADD', KEYS[3], ARGV[i], string.format('%019d', tonumber(string.match(entry, '^%d+'))))
        end
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        if #ARGV >= 9 then
          redis.call('EXPIRE', KEYS[2], ARGV[3])
          redis.call('EXPIRE', KEYS[3], ARGV[3])
        end
        if ARGV[8] ~= '' then redis.call('EXPIRE', KEYS[4], ARGV[3]) end
        return 1
        """)

    /// Records that the durable store holds the session up to a seq: trims the list to `cap`
    /// entries (never dropping one not yet flushed) and, once nothing is left to flush, lets the
    /// keys expire again.
    ///
    /// Calls asked for before the cached turns are pruned from the calls hash once it holds
    /// more than twice `cap`, so that it stays in proportion to the list.
    ///
    /// KEYS: meta, recent, times, calls. ARGV: flushed through seq, cap, ttl seconds. Returns the
    /// flushed seq.
    static let markFlushed = LuaScript("""
        local m = redis.call('HMGET', KEYS[1], 'last', 'flushed')
        if not m[1] then return -1 end
        local last = tonumber(m[1])
        local flushed = math.max(tonumber(m[2]), tonumber(ARGV[1]))
        redis.call('HSET', KEYS[1], 'flushed', flushed)
        local keep = math.max(tonumber(ARGV[2]), last - flushed)
        local len = redis.call('LLEN', KEYS[2])
        if len > keep then
          local first = last - len + 1
          redis.call('LTRIM', KEYS[2], len - keep, -1)
          local gone = {}
          for seq = first, first + len - keep - 1 do
            table.insert(gone, string.format('%019d', seq))
            if #gone == 1000 then
              redis.call('ZREM', KEYS[3], unpack(gone))
              gone = {}
            end
          end
          if #gone > 0 then redis.call('ZREM', KEYS[3], unpack(gone)) end
          if redis.call('HLEN', KEYS[4]) > 2 * tonumber(ARGV[2]) then
            local kept = first + len - keep
            local all = redis.call('HGETALL', KEYS[4])
            for i = 1, #all, 2 do
              if tonumber(string.match(all[i + 1], '^%d+')) < kept then redis.call('HDEL', KEYS[4], all[i]) end
            end
          end
        end
        if flushed >= last then
          redis.call('EXPIRE', KEYS[1], ARGV[3])
          redis.call('EXPIRE', KEYS[2], ARGV[3])
          redis.call('EXPIRE', KEYS[3], ARGV[3])
          redis.call('EXPIRE', KEYS[4], ARGV[3])
        end
        return flushed
        """)

    /// The session's counters and its newest entries, read together.
    ///
    /// KEYS: meta, recent, times, calls. ARGV: how many entries at most, or -1 for exactly those not yet
    /// flushed; ttl seconds (refreshed when nothing is left to flush); optionally a hydration
    /// token and last seq the caller holds the window for. Returns {} on a miss, {"SAME"} when
    /// the caller's window is current, else {last, flushed, status, system seq or "", system
    /// entry or "", summary or "", hydration token, entries…}.
    static let window = LuaScript("""
        local m = redis.call('HMGET', KEYS[1], 'last', 'flushed', 'status', 'system', 'system_entry', 'summary', 'gen')
        if not m[1] then return {} end
        if tonumber(m[2]) >= tonumber(m[1]) then
          redis.call('EXPIRE', KEYS[1], ARGV[2])
          redis.call('EXPIRE', KEYS[2], ARGV[2])
          redis.call('EXPIRE', KEYS[3], ARGV[2])
          redis.call('EXPIRE', KEYS[4], ARGV[2])
        end
        if ARGV[3] and m[7] == ARGV[3] and tonumber(m[1]) == tonumber(ARGV[4]) then return {'SAME'} end
        local out = {m[1], m[2], m[3], m[4] or '', m[5] or '', m[6] or '', m[7] or ''}
        local n = tonumber(ARGV[1])
        if n < 0 then n = tonumber(m[1]) - tonumber(m[2]) end
        if n > 0 then
          for _, e in ipairs(redis.call('LRANGE', KEYS[2], -n, -1)) do table.insert(out, e) end
        end
        return out
        """)

    /// Sets the cached status of a session, if it is cached. KEYS: meta. ARGV: status.
    static let setStatus = LuaScript("""
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'status', ARGV[1]) end
        return 0
        """)

    /// Drops a session from the cache if the durable store has all its turns.
    /// KEYS: meta, recent, times, calls. Returns 1 if dropped (or not cached), 0 if turns wait
    /// to be flushed.
    static let evictIfFlushed = LuaScript("""
        local m = redis.call('HMGET', KEYS[1], 'last', 'flushed')
        if m[1] and tonumber(m[2]) < tonumber(m[1]) then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
        return 1
        """)

    /// Messages created in a time range, oldest first (by time, then seq), at most `limit`, when
    /// the cached messages cover the range: the cache holds the session from its first message,
    /// or its oldest cached message is older than `since` by more than the clock skew allowed
    /// between servers (a message trimmed away could otherwise still fall in the range).
    ///
    /// KEYS: meta, recent, times. ARGV: since in milliseconds or "" for the session's start,
    /// until in milliseconds (exclusive) or "" for none, limit, skew allowed in milliseconds.
    /// Returns {} when the session is not cached or the cache does not cover the range, else
    /// {last, entries…}.
    static let range = LuaScript("""
        local last = redis.call('HGET', KEYS[1], 'last')
        if not last then return {} end
        local len = redis.call('LLEN', KEYS[2])
        if redis.call('ZCARD', KEYS[3]) ~= len then return {} end
        local first = tonumber(last) - len + 1
        if first > 1 then
          if ARGV[1] == '' then return {} end
          local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
          if #oldest == 0 or tonumber(oldest[2]) >= tonumber(ARGV[1]) - tonumber(ARGV[4]) then return {} end
        end
        local low = ARGV[1] == '' and '-inf' or ARGV[1]
        local high = ARGV[2] == '' and '+inf' or '(' .. ARGV[2]
        local out = {last}
        for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], low, high, 'LIMIT', 0, tonumber(ARGV[3]))) do
          local entry = redis.call('LINDEX', KEYS[2], tonumber(member) - first)
          if not entry then return {} end
          table.insert(out, entry)
        end
        return out
        """)

    /// A tool call as the cached turns have it: the entry of the message that asked for it and,
    /// if it came, of the first answer. KEYS: meta, recent, calls. ARGV: the call id. Returns {}
    /// when the call is not in the calls hash or its messages are no longer in the list, else
    /// {request entry, answer entry or ""}.
    static let toolCall = LuaScript("""
        local call = redis.call('HGET', KEYS[3], ARGV[1])
        local last = redis.call('HGET', KEYS[1], 'last')
        if not call or not last then return {} end
        local request, answer = string.match(call, '^(%d+)\\t(%d*)$')
        local first = tonumber(last) - redis.call('LLEN', KEYS[2]) + 1
        if not request or tonumber(request) < first then return {} end
        local out = {redis.call('LINDEX', KEYS[2], tonumber(request) - first)}
        if answer ~= '' then out[2] = redis.call('LINDEX', KEYS[2], tonumber(answer) - first) else out[2] = '' end
        if not out[1] or not out[2] then return {} end
        return out
        """)
}
