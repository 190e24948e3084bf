-- Check-in writes (when `writers` is given) or signed-in page reads (`reads`).
--
-- Every write is a distinct (person, date) pair: request g of the run goes to
-- writer g % #writers on the day g / #writers before base_epoch, so no two
-- writes collide on the one-check-in-a-day rule and each success is its own row.
-- The success answer is a redirect to /journal/checkins/<pk>/; those pks are
-- collected so the run can check afterwards that every one is in the database.

local seq = 0
sent, acked, statuses, pks = 0, 0, {}, {}

local function write_request()
  -- Unique across threads: each thread takes every nthreads-th number.
  local g = tid + nthreads * seq
  local writer = writers[(g % #writers) + 1]
  local day = math.floor(g / #writers)
  local date = os.date("!%Y-%m-%d", base_epoch - day * 86400)
  local body = "csrfmiddlewaretoken=" .. writer.token .. "&date=" .. date .. "&" .. fields
  sent = sent + 1
  return wrk.format("POST", path, {
    ["Host"] = host,
    ["Cookie"] = writer.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept-Encoding"] = "gzip",
  }, body)
end

local function read_request()
  -- Threads start at different places so they do not ask for the same page in step.
  local read = reads[((seq + tid * 7) % #reads) + 1]
  local headers = {["Host"] = host, ["Accept-Encoding"] = "gzip"}
  if read.cookie ~= "" then
    headers["Cookie"] = read.cookie
  end
  return wrk.format("GET", read.path, headers)
end

function request()
  local built = writers and write_request() or read_request()
  seq = seq + 1
  return built
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if writers and status == 302 then
    local location = headers["Location"] or headers["location"] or ""
    local pk = string.match(location, "/checkins/(%d+)/")
    if pk then
      acked = acked + 1
      table.insert(pks, pk)
    end
  end
end
