-- wrk script of the peers benchmark (PeersBenchmark.cs runs it):
--   wrk -t2 -c16 -d15s -s peers.lua URL -- BODY_FILE SIGNATURE EXPECTED_STATUS
-- Every request is the same signed pull_request delivery with a fresh X-GitHub-Delivery id, so a
-- target that stores deliveries stores each one (a repeated id would be a cheap duplicate).
-- The signature is computed once over the body by the caller: HMAC-SHA256, as GitHub sends it.
-- done() prints one line of figures, one of latency percentiles and every unexpected answer, for the caller to parse.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local prefix, suffix, run_id
local expected_status
sent = 0
expected = 0
other_2xx = 0
non_2xx = 0
first_unexpected = ""

local function random_hex(bytes)
  -- Each thread draws its own id prefix from the kernel: unique across threads and across runs.
  local urandom = assert(io.open("/dev/urandom", "rb"))
  local raw = urandom:read(bytes)
  urandom:close()
  return (raw:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local body = file:read("*a")
  file:close()
  expected_status = tonumber(args[3])
  local r = random_hex(9)
  run_id = string.format("%s-%s-4%s-8%s-", r:sub(1, 8), r:sub(9, 12), r:sub(13, 15), r:sub(16, 18))
  -- The request is built by hand, once: only the delivery id changes between requests.
  prefix = "POST " .. wrk.path .. " HTTP/1.1\r\n"
    .. "Host: " .. wrk.host .. ":" .. wrk.port .. "\r\n"
    .. "User-Agent: GitHub-Hookshot/peers-benchmark\r\n"
    .. "Content-Type: application/json\r\n"
    .. "X-GitHub-Event: pull_request\r\n"
    .. "X-Hub-Signature-256: " .. args[2] .. "\r\n"
    .. "X-GitHub-Delivery: " .. run_id
  suffix = "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end

function request()
  sent = sent + 1
  return prefix .. string.format("%012x", sent) .. suffix
end

function response(status, headers, body)
  if status == expected_status then
    expected = expected + 1
  elseif status >= 200 and status < 300 then
    other_2xx = other_2xx + 1
  else
    non_2xx = non_2xx + 1
  end
  if status ~= expected_status and first_unexpected == "" then
    first_unexpected = status .. " " .. string.sub(body or "", 1, 300):gsub("[\r\n]", " ")
  end
end

function done(summary, latency, requests)
  local totals = { expected = 0, other_2xx = 0, non_2xx = 0 }
  local unexpected = {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
    local first = thread:get("first_unexpected")
    if first ~= "" then
      table.insert(unexpected, first)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "peers-result requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d expected=%d other_2xx=%d non_2xx=%d "
      .. "socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    totals.expected, totals.other_2xx, totals.non_2xx,
    errors.connect + errors.read + errors.write, errors.timeout))
  -- Percentiles at every 0.1 %, so that the caller can merge several runs (the rounds of one peer) into one
  -- distribution. (wrk's raw histogram, latency(i), costs a scan of its whole range per value.)
  local quantiles = {}
  for tenth = 1, 999 do
    table.insert(quantiles, string.format("%d", latency:percentile(tenth / 10)))
  end
  table.insert(quantiles, string.format("%d", latency.max))
  io.write("peers-latency " .. table.concat(quantiles, " ") .. "\n")
  for _, first in ipairs(unexpected) do
    io.write("peers-unexpected " .. first .. "\n")
  end
end
