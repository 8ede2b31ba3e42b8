-- wrk script for bench/run.py: GETs or form POSTs, a count of each status, a check of the body,
-- and one line of JSON at the end (latency in ms).
--
--   wrk -t1 -c8 -d6s -s bench/wrk.lua http://127.0.0.1:PORT -- \
--       METHOD EXPECT_BODY COOKIE CSRF_TOKEN TAG PATH [PATH ...]
--
-- METHOD: GET or POST. EXPECT_BODY: the exact body every answer must have ("-": any).
-- COOKIE: the Cookie header ("-": none). CSRF_TOKEN: sent in each POST's form. TAG: makes the
-- POST bodies of this run distinct from any other run's. Requests go round the PATHs in turn.
-- A POST's form is "csrfmiddlewaretoken=CSRF_TOKEN&body=Benchmark comment TAG-THREAD-N".

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  method = args[1]
  expect = args[2] ~= "-" and args[2] or nil
  cookie = args[3] ~= "-" and args[3] or nil
  csrf = args[4]
  tag = args[5]
  paths = {}
  for i = 6, #args do
    paths[#paths + 1] = args[i]
  end
  headers = { ["User-Agent"] = "govcommons-bench" }
  if cookie then
    headers["Cookie"] = cookie
  end
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  sent = 0
  statuses = {}
  unexpected = 0
end

function request()
  sent = sent + 1
  local path = paths[(sent - 1) % #paths + 1]
  if method == "POST" then
    local body = string.format(
      "csrfmiddlewaretoken=%s&body=Benchmark+comment+%s-%d-%d", csrf, tag, id, sent
    )
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", path, headers)
end

function response(status, response_headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if expect and body ~= expect then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local counts = {}
  local unexpected_total = 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
    unexpected_total = unexpected_total + thread:get("unexpected")
  end
  local parts = {}
  for status, n in pairs(counts) do
    parts[#parts + 1] = string.format('"%s": %d', status, n)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_s": %.3f, "statuses": {%s}, "unexpected_body": %d, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
      .. '"latency_ms": {"p50": %.2f, "p95": %.2f, "p99": %.2f, "max": %.2f}}\n',
    summary.requests, summary.duration / 1e6, table.concat(parts, ", "), unexpected_total,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000
  ))
end
