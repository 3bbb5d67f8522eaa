-- A retry taking over an idempotent request's key (its first attempt's server died):
-- answers `APPLIED` if an attempt appended already, and otherwise makes the marker the
-- retry's, so that an append of the old attempt, were it only slow, is refused. Appends and
-- this script run one at a time, so exactly one of the two attempts can append.
--
-- KEYS: the marker. ARGV: the retry's token. Returns "APPLIED" or "OK".
local holder = redis.call('GET', KEYS[1])
if holder and string.sub(holder, -2) == '|1' then return 'APPLIED' end
redis.call('SET', KEYS[1], ARGV[1], 'EX', 86400)
return 'OK'
