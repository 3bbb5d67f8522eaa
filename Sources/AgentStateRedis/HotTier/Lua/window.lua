-- The session's counters and its newest entries, read together.
--
-- KEYS: meta, recent, times, calls. ARGV: how many entries at most, or -1 for exactly those not yet
-- flushed; ttl seconds (refreshed when nothing is left to flush); optionally a hydration
-- token and last seq the caller holds the window for. Returns {} on a miss, {"SAME"} when
-- the caller's window is current, else {last, flushed, status, system seq or "", system
-- entry or "", summary or "", hydration token, entries…}.
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
