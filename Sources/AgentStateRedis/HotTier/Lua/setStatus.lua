-- Sets the cached status of a session, if it is cached. KEYS: meta. ARGV: status.
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'status', ARGV[1]) end
return 0
