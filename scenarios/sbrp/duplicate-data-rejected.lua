-- An adversary on the client's wire duplicates one Data frame: the daemon
-- delivers the plaintext once and drops the copy as a replay (sequence_error,
-- no close); later frames still flow.
scenario {
  name = "injected duplicate Data frame is rejected",
  requirements = { "SBRP-REPLAY-003", "SBRP-REPLAY-005", "SBRP-RELAY-020" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect()
expect.state(client, "Active")

world:wire(client, relay):duplicate { type = "Data" }
client:send("once")
expect.frame(daemon, "received", { type = "Data", seq = 0 })
expect.frame(daemon, "received", { type = "Data", seq = 0 })   -- the copy arrives too
expect.delivered(daemon, "once", { session = client })
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_REPLAY", session = client })
expect.no_delivery(daemon, { during = "1s" })                  -- ... but is never delivered

client:send("twice")
expect.delivered(daemon, "twice")
expect.state(client, "Active")
expect.state(daemon, "Active", { session = client })
