-- bench/load.lua: the wrk script of bench/load.  Sessions made by bench/load
-- (one login per wrk thread, before the run) are shared out to the threads;
-- each thread mixes reads and writes on its connections:
--
--   35 %  GET /api/v1/associations/{uscc}
--   30 %  GET /api/v1/associations?page=N&per_page=20&sort=name   (the list)
--   15 %  GET /api/v1/findings?as_of=D&association={uscc}          (findings)
--   10 %  GET /api/v1/findings?as_of=D                             (the first page of 50 of all findings)
--   10 %  PUT /api/v1/associations/{uscc} with version and X-CSRF-Token
--
-- Each thread writes only its own associations and keeps their versions
-- from the answers (200: the new version; 409: the "current" record's), so
-- a 409 only happens when two of its own connections race on one record.
-- Counts per status class and 5xx are gathered in done(), with latency
-- percentiles, as lines bench/load parses:  key=value.
--
-- bench/load --mixed runs two of these at once, by MODE:
--   read   50 % GET /api/v1/dashboard?as_of=D, 50 % a findings page of 50
--          (GET /api/v1/findings?as_of=D&page=N, N in 1..10)
--   write  PUT /api/v1/associations/{uscc} only, as above
--
-- Arguments (after --): SESSIONS_FILE RECORDS_FILE AS_OF THREADS [MODE]
--   SESSIONS_FILE: lines "cookie csrf"
--   RECORDS_FILE:  lines "uscc<TAB>json with __NAME__ and __VERSION__"

local threads = {}
local counter = 0

local function lines(path)
  local t = {}
  for l in io.lines(path) do
    if #l > 0 then t[#t + 1] = l end
  end
  return t
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local id, cookie, csrf, as_of, mode
local records = {}    -- { uscc, template, version }, all of them (reads)
local mine = {}       -- indexes of records this thread writes
local n = { total = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s409 = 0 }
local seq = 0

function init(args)
  id = wrk.thread:get("id")
  local sessions = lines(args[1])
  local s = sessions[((id - 1) % #sessions) + 1]
  cookie, csrf = s:match("^(%S+)%s+(%S+)$")
  as_of = args[3]
  mode = args[5] or "mix"
  local nthreads = tonumber(args[4]) or 1
  for i, l in ipairs(lines(args[2])) do
    local uscc, tpl = l:match("^([^\t]+)\t(.*)$")
    local version = tonumber(tpl:match('"version": (%d+)')) or 1
    records[i] = { uscc = uscc, tpl = tpl, version = version }
    if (i - 1) % nthreads == id - 1 then mine[#mine + 1] = i end
  end
  math.randomseed(id * 7919)
end

local function get(path)
  return wrk.format("GET", path, { ["Cookie"] = "tuogou_session=" .. cookie })
end

function request()
  local r = math.random(100)
  local rec = records[math.random(#records)]
  if mode == "read" then
    if r <= 50 then
      return get("/api/v1/dashboard?as_of=" .. as_of)
    end
    return get("/api/v1/findings?as_of=" .. as_of .. "&page=" .. math.random(10))
  elseif mode == "write" then
    r = 100
  end
  if r <= 35 then
    return get("/api/v1/associations/" .. rec.uscc)
  elseif r <= 65 then
    return get("/api/v1/associations?per_page=20&sort=name&page=" .. math.random(4))
  elseif r <= 80 then
    return get("/api/v1/findings?as_of=" .. as_of .. "&association=" .. rec.uscc)
  elseif r <= 90 or #mine == 0 then
    return get("/api/v1/findings?as_of=" .. as_of)
  end
  local ix = mine[math.random(#mine)]
  local w = records[ix]
  seq = seq + 1
  local body = w.tpl:gsub("__VERSION__", tostring(w.version))
                    :gsub("__NAME__", string.format("压测协会%d-%d", id, seq))
  return wrk.format("PUT", "/api/v1/associations/" .. w.uscc, {
    ["Cookie"] = "tuogou_session=" .. cookie,
    ["X-CSRF-Token"] = csrf,
    ["Content-Type"] = "application/json",
  }, body)
end

-- wrk answers in order per connection but not across them; the version of
-- whichever record the answer names is what counts, so match by uscc.
function response(status, headers, body)
  n.total = n.total + 1
  local class = math.floor(status / 100)
  if class == 2 then n.s2 = n.s2 + 1
  elseif class == 3 then n.s3 = n.s3 + 1
  elseif class == 4 then n.s4 = n.s4 + 1
  else n.s5 = n.s5 + 1 end
  if status == 409 then n.s409 = n.s409 + 1 end
  if status == 200 or status == 409 then
    local uscc = body:match('"uscc": "([^"]+)"')
    local v = body:match('"version": (%d+)')
    if uscc and v then
      for _, ix in ipairs(mine) do
        if records[ix].uscc == uscc and tonumber(v) > records[ix].version then
          records[ix].version = tonumber(v)
        end
      end
    end
  end
  wrk.thread:set("n", n)
end

function done(summary, latency, requests)
  local t = { total = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s409 = 0 }
  for _, thread in ipairs(threads) do
    local c = thread:get("n")
    if c then
      for k, v in pairs(c) do t[k] = t[k] + v end
    end
  end
  local e = summary.errors
  io.write(string.format("requests=%d\n", summary.requests))
  io.write(string.format("duration_s=%.1f\n", summary.duration / 1e6))
  io.write(string.format("rps=%.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("socket_errors=%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d\n",
    e.connect, e.read, e.write, e.timeout))
  io.write(string.format("status_2xx=%d status_3xx=%d status_4xx=%d status_5xx=%d status_409=%d\n",
    t.s2, t.s3, t.s4, t.s5, t.s409))
  io.write(string.format("p50_ms=%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("p90_ms=%.2f\n", latency:percentile(90) / 1000))
  io.write(string.format("p99_ms=%.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("max_ms=%.2f\n", latency.max / 1000))
end
