-- The benchmark's wrk script. Set before it: out_dir, run_name, nthreads, and for
-- scripted traffic `host` and either `reads` (a list of {path, cookie}) or `writers`
-- (check-in POSTs: {cookie, token} each, with fields, path and base_epoch).
--
-- Every write is a distinct (person, date) pair: request g of the run goes to writer
-- g % #writers on the day g / #writers before base_epoch, so no two writes collide
-- on the one-check-in-a-day rule. A success is a redirect to /journal/checkins/<pk>/;
-- those pks go to a file, so the run can check that every one is in the database.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local seq = 0
sent, acked, statuses, pks = 0, 0, {}, {}

if writers or reads then
  function request()
    local g = tid + nthreads * seq  -- unique across threads
    seq = seq + 1
    local headers = {["Host"] = host, ["Accept-Encoding"] = "gzip"}
    if writers then
      local writer = writers[(g % #writers) + 1]
      local date = os.date("!%Y-%m-%d", base_epoch - math.floor(g / #writers) * 86400)
      headers["Cookie"] = writer.cookie
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      sent = sent + 1
      return wrk.format("POST", path, headers,
        "csrfmiddlewaretoken=" .. writer.token .. "&date=" .. date .. "&" .. fields)
    end
    local read = reads[(g % #reads) + 1]
    if read.cookie ~= "" then
      headers["Cookie"] = read.cookie
    end
    return wrk.format("GET", read.path, headers)
  end

  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
    local pk = string.match(headers["Location"] or "", "/checkins/(%d+)/$")
    if writers and status == 302 and pk then
      acked = acked + 1
      table.insert(pks, pk)
    end
  end
end

function done(summary, latency, requests)
  local total_sent, total_acked, all_statuses, all_pks = 0, 0, {}, {}
  for _, thread in ipairs(threads) do
    total_sent = total_sent + (thread:get("sent") or 0)
    total_acked = total_acked + (thread:get("acked") or 0)
    for status, count in pairs(thread:get("statuses") or {}) do
      all_statuses[status] = (all_statuses[status] or 0) + count
    end
    for _, pk in ipairs(thread:get("pks") or {}) do
      table.insert(all_pks, pk)
    end
  end
  if #all_pks > 0 then  -- thousands, too many for one line
    local file = io.open(out_dir .. "/pks-" .. run_name .. ".txt", "w")
    file:write(table.concat(all_pks, "\n"), "\n")
    file:close()
  end
  local parts = {}
  for status, count in pairs(all_statuses) do
    table.insert(parts, string.format('"%s": %d', tostring(status), count))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "writes_sent": %d, "writes_acked": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency:percentile(50), latency:percentile(99),
    latency.max, total_sent, total_acked, table.concat(parts, ", ")))
end
