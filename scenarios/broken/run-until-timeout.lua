-- world:run_until gives up at its timeout like an expectation.
scenario { name = "run_until timeout" }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
world:run_until(function() return client.state == "Active" end, "1s")
