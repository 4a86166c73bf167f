-- SBRP-SM-R-007 / SBRP-RELAY-027 / AUTH-044: a daemon whose presence token
-- lacks session:resume comes back while its client is Paused. The relay
-- expires the session at once -- at the reconnect's upgrade, without
-- waiting for any Signal -- and closes the client.
scenario {
  name = "R-007: a non-resumable daemon reconnects: session_expired at once",
  requirements = { "SBRP-RELAY-027", "AUTH-044", "SBRP-RES-002" },
  rows = { "SBRP-SM-R-005", "SBRP-SM-R-007" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { resumable = false, auto_reconnect = false } }

daemon:drop_connection()
expect.control(client, "session_paused")
world:advance("3s")
local t0 = world.now
daemon:reconnect()                                   -- the upgrade takes one latency (5 ms)
local tr = expect.transition(relay, "Paused>Closed@SBRP-SM-R-007", { session = client })
expect.eq(tr.t - t0, sim.duration("5ms"), "expired as the upgrade arrived")
expect.no_frame(client, "received", { control = "session_pending" }, { during = "1s" })
rl.expect_refused(relay, client, "session_expired", client, 1000)
expect.no_frame(daemon, "sent", { type = "Signal" }, { during = "1s" })
