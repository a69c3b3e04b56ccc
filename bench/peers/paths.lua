-- wrk script (bench/README.md, scenario 4): every request is the next path of the file named by the first
-- script argument (one path with its query per line), so each hit is for a different signed message.
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("no paths in " .. tostring(args[1])) end
  -- each thread starts at its own place in the list
  i = math.random(#paths) - 1
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
