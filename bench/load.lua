-- wrk script for bench/load.py. Arguments: a file of requests, one per line
-- ("GET <path>", "UPLOAD <booth token>" or "SIGNUP <path of a Jam's sign-up form>"), the JPEG to upload, a nonce that
-- makes every upload's idempotency key new, and a random seed. In a path, "{u}"
-- becomes digits never sent before in the run (put after a coordinate's decimals,
-- they move it by less than a metre and make the address one no cache has seen).
local requests, image, nonce = {}, "", ""
local sent, thread_id, threads = 0, 0, 0
local boundary = "jamportal-load-test"

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  for line in io.lines(args[1]) do requests[#requests + 1] = line end
  local file = io.open(args[2], "rb")
  image = file:read("*a")
  file:close()
  nonce = args[3]
  math.randomseed(tonumber(args[4]))
end

local function field(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

local function upload(token)
  sent = sent + 1
  local body = field("idempotency_key", nonce .. "-" .. thread_id .. "-" .. sent)
    .. field("taken_at", "2031-03-01T10:00:00+00:00")
    .. field("caption", "Raspberry Jam Big Birthday Weekend")
    .. field("language", "en")
    .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"booth.jpg\"\r\n"
    .. "Content-Type: image/jpeg\r\n\r\n" .. image .. "\r\n--" .. boundary .. "--\r\n"
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  }
  return wrk.format("POST", "/api/booth/photos", headers, body)
end

-- A visitor signs up for a Jam: the form as the browser posts it, with the CSRF
-- cookie and field (any 32 letters, the same in both), a new email address each time.
local function signup(path)
  sent = sent + 1
  local csrf = "loadtestloadtestloadtestloadtest"
  local body = "csrfmiddlewaretoken=" .. csrf .. "&name=Load+" .. sent
    .. "&email=load-" .. nonce .. "-" .. thread_id .. "-" .. sent .. "%40example.org&adults=1&children=1"
  local headers = {
    ["Cookie"] = "csrftoken=" .. csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, body)
end

function request()
  local line = requests[math.random(#requests)]
  local verb, target = line:match("^(%S+) (.+)$")
  if verb == "UPLOAD" then return upload(target) end
  if verb == "SIGNUP" then return signup(target) end
  if target:find("{u}", 1, true) then
    sent = sent + 1
    target = target:gsub("{u}", string.format("%d%07d", thread_id, sent))
  end
  return wrk.format("GET", target)
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
