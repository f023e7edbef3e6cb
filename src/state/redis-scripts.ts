/**
 * The Lua scripts that make RedisStore's read-modify-write operations atomic: Redis runs a
 * script with no other command in between. Each touches one key (KEYS[1]), so they run on
 * a Cluster too. The binding scripts mirror binding-rules.ts (RFC 3261 §10.3) and take the
 * time from Redis's TIME, so every gateway agrees on expiry (needs Redis ≥ 5, which
 * replicates script effects rather than scripts).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** EVALSHA, falling back to EVAL the first time a server has not seen the script. */
  async run(redis: Redis, key: string, args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, 1, key, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return redis.eval(this.source, 1, key, ...args);
    }
  }
}

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** ARGV: expected version, settings JSON → {1, new version} or {0, current version}. */
export const PUT_SETTINGS = new LuaScript(`
local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if cur ~= tonumber(ARGV[1]) then return {0, cur} end
redis.call('HSET', KEYS[1], 'v', cur + 1, 's', ARGV[2])
return {1, cur + 1}
`);

/** ARGV: binding id, binding JSON, Call-ID, CSeq, ttl ms, max bindings or '' → created|updated|out-of-order|too-many. */
export const PUT_BINDING = new LuaScript(`${NOW}
local all = redis.call('HGETALL', KEYS[1])
local live, stored = 0, nil
for i = 1, #all, 2 do
  local v = cjson.decode(all[i + 1])
  if v.exp <= now then
    redis.call('HDEL', KEYS[1], all[i])
  else
    live = live + 1
    if all[i] == ARGV[1] then stored = v end
  end
end
if stored and stored.b.callId == ARGV[3] and stored.b.cseq >= tonumber(ARGV[4]) then return 'out-of-order' end
if (not stored) and ARGV[6] ~= '' and live >= tonumber(ARGV[6]) then return 'too-many' end
local ttl = tonumber(ARGV[5])
redis.call('HSET', KEYS[1], ARGV[1], '{"exp":' .. string.format('%.0f', now + ttl) .. ',"b":' .. ARGV[2] .. '}')
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
if stored then return 'updated' end
return 'created'
`);

/** ARGV: binding id, Call-ID, CSeq → removed|absent|out-of-order. */
export const REMOVE_BINDING = new LuaScript(`${NOW}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 'absent' end
local v = cjson.decode(raw)
if v.exp <= now then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 'absent'
end
if v.b.callId == ARGV[2] and v.b.cseq >= tonumber(ARGV[3]) then return 'out-of-order' end
redis.call('HDEL', KEYS[1], ARGV[1])
return 'removed'
`);

/** ARGV: Call-ID, CSeq → bindings removed, or -1 (out of order: nothing removed). */
export const REMOVE_ALL_BINDINGS = new LuaScript(`${NOW}
local all = redis.call('HGETALL', KEYS[1])
local live = 0
for i = 1, #all, 2 do
  local v = cjson.decode(all[i + 1])
  if v.exp > now then
    live = live + 1
    if v.b.callId == ARGV[1] and v.b.cseq >= tonumber(ARGV[2]) then return -1 end
  end
end
redis.call('DEL', KEYS[1])
return live
`);

/** → flat {id, stored JSON, ms left, …} for live bindings; expired ones are deleted. */
export const LIST_BINDINGS = new LuaScript(`${NOW}
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  local v = cjson.decode(all[i + 1])
  if v.exp <= now then
    redis.call('HDEL', KEYS[1], all[i])
  else
    table.insert(out, all[i])
    table.insert(out, all[i + 1])
    table.insert(out, v.exp - now)
  end
end
return out
`);

/** ARGV: nc or '' (no qop) → ok|stale|replay|unknown. Valid while more than the grace is left of the key's TTL. */
export const USE_NONCE = new LuaScript(`
local pt = redis.call('PTTL', KEYS[1])
if pt < 0 then return 'unknown' end
local grace = tonumber(redis.call('HGET', KEYS[1], 'grace') or '0')
if pt <= grace then return 'stale' end
if ARGV[1] == '' then return 'ok' end
local nc = tonumber(ARGV[1])
if nc <= tonumber(redis.call('HGET', KEYS[1], 'nc') or '0') then return 'replay' end
redis.call('HSET', KEYS[1], 'nc', ARGV[1])
return 'ok'
`);

/** ARGV: by, ttl ms, limit or '', '1' for a sliding TTL → {allowed 0|1, value, ms left}. */
export const INCR_COUNTER = new LuaScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local by = tonumber(ARGV[1])
if ARGV[3] ~= '' and cur + by > tonumber(ARGV[3]) then
  local pt = redis.call('PTTL', KEYS[1])
  if pt < 0 then pt = 0 end
  return {0, cur, pt}
end
local existed = redis.call('EXISTS', KEYS[1]) == 1
local v = redis.call('INCRBY', KEYS[1], by)
if (not existed) or ARGV[4] == '1' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, v, redis.call('PTTL', KEYS[1])}
`);

/** ARGV: by → the new value; at 0 or below the counter is deleted and 0 returned. */
export const DECR_COUNTER = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local v = redis.call('DECRBY', KEYS[1], ARGV[1])
if v <= 0 then
  redis.call('DEL', KEYS[1])
  return 0
end
return v
`);

/** ARGV: callId, patch JSON → 1 if the newest entry with that callId was patched, else 0. */
export const UPDATE_RECENT_CALL = new LuaScript(`
local items = redis.call('LRANGE', KEYS[1], 0, -1)
for i, raw in ipairs(items) do
  local ok, item = pcall(cjson.decode, raw)
  if ok and type(item) == 'table' and item.callId == ARGV[1] then
    for k, v in pairs(cjson.decode(ARGV[2])) do item[k] = v end
    item.callId = ARGV[1]
    redis.call('LSET', KEYS[1], i - 1, cjson.encode(item))
    return 1
  end
end
return 0
`);

/**
 * ARGV: callId → the entry's lastSeq raised by one (and stored), or 0 when the call is not
 * listed or has no integer lastSeq. The first entry with that callId, as UPDATE_RECENT_CALL.
 */
export const NEXT_RECENT_CALL_SEQ = new LuaScript(`
local items = redis.call('LRANGE', KEYS[1], 0, -1)
for i, raw in ipairs(items) do
  local ok, item = pcall(cjson.decode, raw)
  if ok and type(item) == 'table' and item.callId == ARGV[1] then
    local last = item.lastSeq
    if type(last) ~= 'number' or last < 0 or last ~= math.floor(last) then return 0 end
    item.lastSeq = last + 1
    redis.call('LSET', KEYS[1], i - 1, cjson.encode(item))
    return item.lastSeq
  end
end
return 0
`);
