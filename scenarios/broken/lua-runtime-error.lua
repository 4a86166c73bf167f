-- A plain Lua error in the script itself.
scenario { name = "runtime error" }
local world = sim.world {}
local settings = nil
local latency = settings.latency
