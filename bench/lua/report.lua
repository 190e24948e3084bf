-- Appended to every benchmark script: numbers out as one JSON line, plus what the
-- request scripts counted per thread (writes sent and acknowledged, statuses).

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local function json_counts(counts)
  local parts = {}
  for key, value in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', tostring(key), value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local sent, acked, statuses, pks = 0, 0, {}, {}
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get("sent") or 0)
    acked = acked + (thread:get("acked") or 0)
    for status, count in pairs(thread:get("statuses") or {}) do
      statuses[status] = (statuses[status] or 0) + count
    end
    for _, pk in ipairs(thread:get("pks") or {}) do
      table.insert(pks, pk)
    end
  end
  -- Acknowledged rows go to a file: there can be thousands, too many for a line.
  if #pks > 0 then
    local file = io.open(out_dir .. "/pks-" .. run_name .. ".txt", "w")
    file:write(table.concat(pks, "\n"), "\n")
    file:close()
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"writes_sent": %d, "writes_acked": %d, "statuses": %s}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, sent, acked, json_counts(statuses)))
end
