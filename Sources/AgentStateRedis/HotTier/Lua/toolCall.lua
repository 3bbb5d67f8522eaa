-- A tool call as the cached turns have it: the entry of the message that asked for it and,
-- if it came, of the first answer. KEYS: meta, recent, calls. ARGV: the call id. Returns {}
-- when the call is not in the calls hash or its messages are no longer in the list, else
-- {request entry, answer entry or ""}.
local call = redis.call('HGET', KEYS[3], ARGV[1])
local last = redis.call('HGET', KEYS[1], 'last')
if not call or not last then return {} end
local request, answer = string.match(call, '^(%d+)\t(%d*)$')
local first = tonumber(last) - redis.call('LLEN', KEYS[2]) + 1
if not request or tonumber(request) < first then return {} end
local out = {redis.call('LINDEX', KEYS[2], tonumber(request) - first)}
if answer ~= '' then out[2] = redis.call('LINDEX', KEYS[2], tonumber(answer) - first) else out[2] = '' end
if not out[1] or not out[2] then return {} end
return out
