-- Messages created in a time range, oldest first (by time, then seq), at most `limit`, when
-- the cached messages cover the range: the cache holds the session from its first message,
-- or its oldest cached message is older than `since` by more than the clock skew allowed
-- between servers (a message trimmed away could otherwise still fall in the range).
--
-- KEYS: meta, recent, times. ARGV: since in milliseconds or "" for the session's start,
-- until in milliseconds (exclusive) or "" for none, limit, skew allowed in milliseconds.
-- Returns {} when the session is not cached or the cache does not cover the range, else
-- {last, entries…}.
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
