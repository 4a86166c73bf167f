-- A node named by a string that does not exist (a typo).
scenario { name = "unknown node" }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
client:connect()
expect.state("clinet", "Active")
