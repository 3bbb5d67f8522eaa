-- Records that the durable store holds the session up to a seq: trims the list to `cap`
-- entries (never dropping one not yet flushed) and, once nothing is left to flush, lets the
-- keys expire again.
--
-- Calls asked for before the cached turns are pruned from the calls hash once it holds
-- more than twice `cap`, so that it stays in proportion to the list.
--
-- KEYS: meta, recent, times, calls. ARGV: flushed through seq, cap, ttl seconds. Returns the
-- flushed seq.
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
