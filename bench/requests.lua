-- Replays pre-signed Twilio requests from a file ("path<TAB>signature<TAB>body" a line).
-- Each wrk thread takes its own slice; with "once", a thread stops after its slice.
-- setup() runs in the main Lua state; each thread's own state then sees its "slot".
local threads = {}
local next_slot = 0

function setup(thread)
  thread:set("slot", next_slot)
  next_slot = next_slot + 1
  table.insert(threads, thread)
end

local reqs, n, i, seen, once = {}, 0, 0, 0, false

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  once = args[3] == "once"
  local all = {}
  for line in io.lines(file) do all[#all + 1] = line end
  local per = math.floor(#all / nthreads)
  local first = slot * per + 1
  for k = first, first + per - 1 do
    local path, sig, body = all[k]:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    reqs[#reqs + 1] = wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = sig,
      ["User-Agent"] = "TwilioProxy/1.1",
    }, body)
  end
  n = #reqs
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return reqs[i]
end

function response(status, headers, body)
  seen = seen + 1
  if once and seen >= n then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, errors, summary.errors.status))
end
