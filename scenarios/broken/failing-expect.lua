-- A well-formed script whose expectation is not met: exit 1, with the
-- file:line, the trace around the cursor and the seed that replays it.
scenario { name = "failing expectation" }
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
expect.control(client, "session_paused", { timeout = "2s" })
