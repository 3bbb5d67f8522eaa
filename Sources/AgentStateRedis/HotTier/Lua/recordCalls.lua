-- Records tool calls in the calls hash (field: call id, value: `requestSeq<TAB>answerSeq`,
-- the answer empty while pending) from lines `seq<TAB>r|a<TAB>call id`, oldest first: a
-- request (again) starts the call afresh, an answer counts if it is the first after the
-- request. A call asked for before the cached turns is not there, and is looked up in the
-- durable store.
local function record_calls(key, lines)
  for seq, kind, id in string.gmatch(lines, '(%d+)\t(%a)\t([^\n]+)') do
    if kind == 'r' then
      redis.call('HSET', key, id, seq .. '\t')
    else
      local call = redis.call('HGET', key, id)
      if call and string.sub(call, -1) == '\t' and tonumber(seq) > tonumber(string.match(call, '^%d+')) then
        redis.call('HSET', key, id, call .. seq)
      end
    end
  end
end
