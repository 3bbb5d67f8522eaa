-- Caches a session read from the durable store, unless it is cached already (another
-- server may have done it, and appended since).
--
-- The hydration token (`gen`) is new with every hydration: with the last seq, it names the
-- window's content, since the summary and system message change only through a new
-- hydration or an append.
--
-- KEYS: meta, recent, times, calls. ARGV: last seq, status, ttl seconds, system seq or "",
-- system entry or "", the summary's JSON or "", the hydration token, the tool calls of the
-- messages (lines `seq<TAB>r|a<TAB>call id`) or "", then for each of the newest messages,
-- oldest first and ending at the last seq, its creation time in milliseconds and its entry
-- (`seq<TAB>json`). Returns 1 if it cached the session, 0 if it was cached already.
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
