-- The example of the design note: a resumable daemon loses its relay
-- connection and comes back within the grace period; the client is paused,
-- pending, then resumed with the same keys and counters.
scenario {
  name = "resumable daemon reconnects within grace",
  requirements = { "SBRP-RES-002", "SBRP-RES-003", "SBRP-RES-004", "SBRP-RES-006",
                   "SBRP-RELAY-024", "SBRP-RELAY-026" },
  rows = { "SBRP-SM-R-005", "SBRP-SM-R-008", "SBRP-SM-R-011",
           "SBRP-SM-C-008", "SBRP-SM-C-011", "SBRP-SM-C-013",
           "SBRP-SM-D-006", "SBRP-SM-D-007", "SBRP-SM-D-009" },
}

local world  = sim.world { seed = 7, latency = "5ms" }
local relay  = world:relay  { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local client = world:client { daemon = "d_abc" }

client:connect()
world:run_until(function() return client.state == "Active" end, "2s")
client:send("before")
expect.delivered(daemon, "before")

daemon:drop_connection()
expect.control(client, "session_paused", { sid = client })
expect.state(relay, "Paused", { session = client })
local ok, err = client:send("while paused")
expect.eq(err, "SB_ERR_STATE", "sending while Paused is refused")

world:advance("10s")
daemon:reconnect()
expect.control(client, "session_pending")
expect.frame(daemon, "sent", { type = "Signal", signal = "ready", sid = client })
expect.control(client, "session_resumed")
expect.transitions(client, { "Active>Paused", "Paused>Pending", "Pending>Active" })

-- Same keys, counters continue: the next client frame is seq 1, and the daemon opens it.
client:send("after")
expect.frame(client, "sent", { type = "Data", seq = 1 })
expect.delivered(daemon, "after", { session = client })
