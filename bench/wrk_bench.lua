-- wrk script of `make bench` (bench/run.py sets the environment below).
--
--   BENCH_METHOD   GET | POST
--   BENCH_PATH     path with one %s for the tag, e.g. /api/v1/scan/%s
--   BENCH_TAGS     file with one tag per line; thread i of n takes lines i, i+n, ... in order
--   BENCH_THREADS  the -t given to wrk
--   BENCH_BODY     request body (POST), sent as application/json
--   BENCH_AUTH     bearer token (optional)
--
-- Each request uses the next tag of the thread's list (cycling at the end). done() prints one
-- line "WRKJSON {...}" with counts, status codes and latency percentiles in microseconds.

local method = os.getenv("BENCH_METHOD") or "GET"
local path_fmt = os.getenv("BENCH_PATH") or "/"
local tags_file = os.getenv("BENCH_TAGS")
local body = os.getenv("BENCH_BODY")
local auth = os.getenv("BENCH_AUTH")
if body == "" then body = nil end
if auth == "" then auth = nil end

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("BENCH_THREADS") or "1")
  paths = {}
  local i = 0
  for line in io.lines(tags_file) do
    if line ~= "" then
      if i % n == tid then paths[#paths + 1] = string.format(path_fmt, line) end
      i = i + 1
    end
  end
  if #paths == 0 then
    io.stderr:write("wrk_bench.lua: no tags for thread " .. tid .. "\n")
    os.exit(2)
  end
  idx = 0
  statuses = {}
  hdrs = {}
  if auth then hdrs["Authorization"] = "Bearer " .. auth end
  if body then hdrs["Content-Type"] = "application/json" end
end

function request()
  idx = idx + 1
  if idx > #paths then idx = 1 end
  return wrk.format(method, paths[idx], hdrs, body)
end

function response(status, headers, resp_body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then
      for code, count in pairs(s) do merged[code] = (merged[code] or 0) + count end
    end
  end
  local parts = {}
  for code, count in pairs(merged) do parts[#parts + 1] = string.format('"%d":%d', code, count) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f},"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, table.concat(parts, ",")))
end
