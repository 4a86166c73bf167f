-- Idle sweep (SBRP-KA-005): with idle_timeout = 90 s the relay closes a
-- connection that sent nothing for 90 s (1000, no Control). The daemon
-- pings every 45 s and stays connected; the silent client is closed at
-- 90 s after its last frame, which ends its session (session_ended).
-- Relay-initiated Pings (SBRP-KA-003, MAY) are not modelled.
scenario {
  name = "keepalive: an idle connection is closed, a pinging daemon stays",
  requirements = { "SBRP-KA-005", "SBRP-KA-001", "SBRP-RELAY-025" },
  rows = { "SBRP-SM-R-015" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { relay = { idle_timeout = "90s" },
                                                 daemon = { ping_interval = "45s" } }
local last = expect.frame(relay, "received", { type = "HandshakeInit", sid = client })

expect.frame(daemon, "sent", { type = "Ping" }, { timeout = "50s" })
expect.frame(daemon, "received", { type = "Pong" })
local idle = expect.note(relay, "idle_timeout", { session = client, timeout = "100s" })
expect.eq(idle.t - last.t, sim.duration("90s"), "closed 90 s after the client's last frame")
expect.link(client, "closed", { code = 1000 })
expect.no_frame(client, "received", { type = "Control" }, { during = "0" })
expect.frame(daemon, "received", { bytes = rl.control_hex("session_ended", client) })

world:advance("100s")                                    -- the daemon keeps pinging
expect.eq(relay:daemon_online(daemon), true, "the pinging daemon is still connected")
