-- A method of another kind of node.
scenario { name = "daemon method on a client" }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
client:end_session(client, "policy")
