-- A scenario that declares a table row it never exercises fails: the
-- coverage a report shows is only what really happened.
scenario { name = "declared row not exercised", rows = { "SBRP-SM-C-005" } }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
