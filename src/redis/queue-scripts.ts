/**
 * The Lua scripts of `RedisQueue`. On the server a queue is: a list of item ids waiting (`items`), a hash of
 * their encoded values (`data`), a sorted set of the ids delivered and not yet acknowledged scored by when
 * their visibility runs out (`inflight`), a count of items put and not yet done (`unfinished`, for `join`),
 * an id counter (`seq`) and the shutdown state (`state`). A delivery whose visibility ran out goes back to
 * the head of `items`: that is the at-least-once redelivery. Each script is atomic.
 * @module
 */
import { script } from './connection.js';

const NOW = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** KEYS items data unfinished seq state; ARGV payload maxsize channel → 1 put, 0 full, -1 shut down. */
export const PUT = script(`if redis.call('GET', KEYS[5]) then return -1 end
local maxsize = tonumber(ARGV[2])
if maxsize > 0 and redis.call('LLEN', KEYS[1]) >= maxsize then return 0 end
local id = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[2], id, ARGV[1])
redis.call('RPUSH', KEYS[1], id)
redis.call('INCR', KEYS[3])
redis.call('PUBLISH', ARGV[3], 'p')
return 1`);

/**
 * KEYS items data inflight state; ARGV visibilityMs channel bounded → {1, id, payload}, {0, ms until the
 * next redelivery or -1}, or {-1} (shut down and nothing left).
 */
export const GET = script(`${NOW}
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for i = #expired, 1, -1 do
  redis.call('ZREM', KEYS[3], expired[i])
  redis.call('LPUSH', KEYS[1], expired[i])
end
local state = redis.call('GET', KEYS[4])
if state == 'immediate' then return {-1} end
while true do
  local id = redis.call('LPOP', KEYS[1])
  if not id then break end
  local payload = redis.call('HGET', KEYS[2], id)
  if payload then
    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[1]), id)
    if ARGV[3] == '1' then redis.call('PUBLISH', ARGV[2], 'g') end
    return {1, id, payload}
  end
end
if state then return {-1} end
local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if first[2] then return {0, tonumber(first[2]) - now} end
return {0, -1}`);

/** KEYS items data inflight unfinished; ARGV id channel → 1 if this acknowledgement finished the item. */
export const ACK = script(`local delivered = redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then return 0 end
if delivered == 0 then redis.call('LREM', KEYS[1], 1, ARGV[1]) end
if redis.call('DECR', KEYS[4]) <= 0 then
  redis.call('SET', KEYS[4], 0)
  redis.call('PUBLISH', ARGV[2], 'd')
end
return 1`);

/** KEYS items inflight; ARGV id channel: a delivery its getter could not take goes back to the head. */
export const UNGET = script(`if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  redis.call('PUBLISH', ARGV[2], 'u')
end
return 1`);

/** KEYS inflight; ARGV visibilityMs ids… → the ids no longer delivered to us (redelivered elsewhere). */
export const RENEW = script(`${NOW}
local lost = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost`);

/** KEYS unfinished → 0 when nothing is unfinished, else -1 (wait for a message). */
export const JOIN = script(`local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n <= 0 then return 0 end
return -1`);

/** KEYS items data unfinished state; ARGV immediate channel. */
export const SHUTDOWN = script(`if ARGV[1] == '1' then
  redis.call('SET', KEYS[4], 'immediate')
  local ids = redis.call('LRANGE', KEYS[1], 0, -1)
  for i = 1, #ids do redis.call('HDEL', KEYS[2], ids[i]) end
  redis.call('DEL', KEYS[1])
  if redis.call('DECRBY', KEYS[3], #ids) <= 0 then redis.call('SET', KEYS[3], 0) end
elseif not redis.call('GET', KEYS[4]) then
  redis.call('SET', KEYS[4], 'shutdown')
end
redis.call('PUBLISH', ARGV[2], 's')
return 1`);
