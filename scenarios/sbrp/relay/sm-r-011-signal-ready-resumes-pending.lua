-- SBRP-SM-R-011 / SBRP-RELAY-022: the daemon's Signal(ready) for a Pending
-- session. The relay consumes it (never forwarded), sends session_resumed
-- with the sid and resumes routing: the next Data frames flow both ways on
-- the same keys with the counters continued (seq 1), on the same connection.
scenario {
  name = "R-011: Signal(ready) resumes a Pending session",
  requirements = { "SBRP-RELAY-022", "SBRP-RELAY-026", "SBRP-SIG-006", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-008", "SBRP-SM-R-011" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { resumable = true, auto_reconnect = false } }
client:send("before")
expect.delivered(daemon, "before")
daemon:send(client, "before")
expect.delivered(client, "before")
local link = client.link

daemon:drop_connection()
expect.control(client, "session_paused")
daemon:reconnect()
expect.transition(relay, "SBRP-SM-R-008", { session = client })
expect.frame(relay, "received", { type = "Signal", signal = "ready", reason = "none", sid = client })
expect.transition(relay, "Pending>Paired@SBRP-SM-R-011", { session = client })
expect.frame(client, "received", { bytes = rl.control_hex("session_resumed", client) })
expect.no_frame(client, "received", { type = "Signal" }, { during = "0" })

client:send("after")
expect.frame(daemon, "received", { type = "Data", seq = 1, sid = client })
expect.delivered(daemon, "after", { session = client })
daemon:send(client, "after")
expect.frame(client, "received", { type = "Data", seq = 1 })
expect.delivered(client, "after")
expect.eq(client.link, link, "the client kept its connection")
