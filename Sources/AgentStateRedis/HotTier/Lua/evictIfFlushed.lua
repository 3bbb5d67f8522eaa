-- Drops a session from the cache if the durable store has all its turns.
-- KEYS: meta, recent, times, calls. Returns 1 if dropped (or not cached), 0 if turns wait
-- to be flushed.
local m = redis.call('HMGET', KEYS[1], 'last', 'flushed')
if m[1] and tonumber(m[2]) < tonumber(m[1]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
