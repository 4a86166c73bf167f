-- A number where an option table belongs.
scenario { name = "wrong argument type" }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client(42)
