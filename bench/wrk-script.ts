/**
 * The wrk Lua script of one measurement: a POST with the given body and headers; with a rate,
 * paced by `delay()`; at the end, one `BENCH_RESULT {json}` line that run-wrk.ts reads (wrk's
 * own report rounds its percentiles).
 *
 * Pacing: wrk has no rate option (wrk2 does), but it calls `delay()` before each request on
 * each connection and waits that many milliseconds. The script keeps one schedule per wrk
 * thread — a slot every `threads × 1000 / rate` ms, read from CLOCK_MONOTONIC through LuaJIT's
 * ffi — and each connection, when ready to send, waits for the next free slot. A schedule that
 * falls behind (every connection busy) starts again from now instead of bursting to catch up;
 * run-wrk.ts reports the rate reached. wrk's latency clock starts when the request is written,
 * after the delay.
 */
export function wrkScript(request: { body: string; headers: Record<string, string>; rate?: number; threads: number }): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  const pacing =
    request.rate === undefined
      ? ''
      : `
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *time);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local interval_ms = ${(request.threads * 1000) / request.rate}
local next_slot = 0
function delay()
  local now = now_ms()
  if next_slot < now then next_slot = now end
  local wait = next_slot - now
  next_slot = next_slot + interval_ms
  return math.floor(wait + 0.5)
end
`;
  return `wrk.method = "POST"
wrk.body = ${JSON.stringify(request.body)}
${headers}
${pacing}
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format('BENCH_RESULT {"requests":%d,"durationUs":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;
}
