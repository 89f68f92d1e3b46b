-- wrk script: POSTs pre-signed webhook bodies, each thread its own share of the file, so every
-- event is sent once. Line format: <X-Hub-Signature-256 value>\t<body>.
-- usage: wrk -s bench/post.lua <url> -- <bodies file> <threads>
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local sigs, bodies, i = {}, {}, 0
function init(args)
  local file, threads = args[1], tonumber(args[2])
  local k = 0
  for line in io.lines(file) do
    if k % threads == id then
      local tab = line:find("\t", 1, true)
      sigs[#sigs + 1] = line:sub(1, tab - 1)
      bodies[#bodies + 1] = line:sub(tab + 1)
    end
    k = k + 1
  end
end

function request()
  i = i + 1
  if i > #bodies then
    i = 1 -- out of bodies: repeats are duplicates; the benchmark sizes the file so this never happens
  end
  return wrk.format("POST", "/webhook", { ["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = sigs[i] }, bodies[i])
end
