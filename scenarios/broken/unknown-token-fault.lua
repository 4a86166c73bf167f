-- Token faults are a fixed list (one per relay validation step).
scenario { name = "unknown token fault" }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
client:connect { token = "expird" }
