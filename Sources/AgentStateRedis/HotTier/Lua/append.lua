-- Appends messages if the session is cached, active, and (when asked) still at the expected
-- seq; numbers them; records the session in the outbox; and takes the TTL off the session's
-- keys, since they now hold turns the durable store lacks (under a `volatile-*` policy,
-- keys without a TTL are never evicted).
--
-- It also publishes a change notice, so that other servers' change feeds hear of the turn
-- at once, without another round trip.
--
-- An append made for a request with an `Idempotency-Key` names its attempt: the script
-- refuses it if another attempt holds the key's marker, and marks the attempt as the one
-- that appended (`token|1`) in the same step as the append (see `claimAttempt`).
--
-- KEYS: meta, recent, outbox, times, calls, the idempotency marker. ARGV: expected last seq
-- or "", tenant, session, index of the first system message in the batch or 0, the notice
-- channel, the notice, the messages' creation time in milliseconds, the tool calls asked
-- for and answered (lines `index<TAB>r|a<TAB>call id`, index 1 for the first message) or
-- "", the attempt's token or "", then the messages' JSON. Returns {"OK", first seq,
-- hydration token} or {"MISS"} or {"CLOSED", last} or {"CONFLICT", last} or {"TAKEN"}.
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
  redis.call('RPUSH', KEYS[2], (last + i) .. '\t' .. ARGV[9 + i])
  redis.call('ZADD', KEYS[4], ARGV[7], string.format('%019d', last + i))
end
if ARGV[8] ~= '' then
  record_calls(KEYS[5], string.gsub(ARGV[8], '(%d+)\t', function (i) return (last + tonumber(i)) .. '\t' end))
  redis.call('PERSIST', KEYS[5])
end
local system = tonumber(ARGV[4])
if system > 0 and not meta[3] then
  redis.call('HSET', KEYS[1], 'system', last + system, 'system_entry', (last + system) .. '\t' .. ARGV[9 + system])
end
redis.call('HSET', KEYS[1], 'last', last + n)
redis.call('PERSIST', KEYS[1])
redis.call('PERSIST', KEYS[2])
redis.call('PERSIST', KEYS[4])
redis.call('XADD', KEYS[3], '*', 't', ARGV[2], 's', ARGV[3], 'last', last + n)
if ARGV[9] ~= '' then redis.call('SET', KEYS[6], ARGV[9] .. '|1', 'EX', 86400) end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {'OK', last + 1, meta[4] or ''}
