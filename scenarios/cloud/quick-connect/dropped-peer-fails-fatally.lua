-- A Quick Connect session does not survive a disconnect: the code was
-- redeemed, so the next attempt fails at once with PeerError(InvalidState),
-- fatal, without calling the API again; the client closes.
scenario {
  name = "a dropped Quick Connect peer fails fatally",
  requirements = { "CLOUD-052", "CLOUD-020", "CLOUD-015" },
  rows = { "SBRP-SM-C-010" },
}

local world  = sim.world { seed = 33 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", quick_connect = true }
expect.state(daemon, "Connected")
local client = cloud:client { quick_connect = cloud:quick_connect(daemon) }
client:connect()
expect.api(client, "quickConnect.redeem", { status = 200 })
expect.state(client, "Active")
expect.eq(cloud:status(client).redeemed, true, "redeemed")

client:drop_connection()
expect.state(client, "Reconnecting")
expect.note(client, "attempt_failed", { text = "PeerError(InvalidState): fatal" })
expect.note(client, "unhandled_error", { text = "PeerError(InvalidState)" })
expect.state(client, "Closed")
expect.eq(cloud:status(client).attempts, 2, "the second attempt was begun")
expect.no_api(client, "quickConnect.redeem", { during = "60s" })
