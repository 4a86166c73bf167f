-- A misspelt option must not pass silently.
scenario { name = "unknown option" }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trsut = "pinned-only" }
