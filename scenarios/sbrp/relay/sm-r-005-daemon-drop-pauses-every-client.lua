-- SBRP-SM-R-005 / SBRP-RELAY-024 (presence): the daemon's connection drops.
-- Every paired client learns it with session_paused carrying its own sid;
-- the code is not terminal, so their connections stay open -- shown by the
-- same connections resuming and carrying Data once the daemon is back.
scenario {
  name = "R-005: a daemon drop pauses every paired client (session_paused, not terminal)",
  requirements = { "SBRP-RELAY-024", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-005" },
}

local rl = require "relay"
local world, relay, daemon, a = rl.paired { daemon = { resumable = true, auto_reconnect = false } }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
b:connect()
expect.state(b, "Active")
local link_a, link_b = a.link, b.link

daemon:drop_connection()
expect.frame(a, "received", { bytes = rl.control_hex("session_paused", a) })
expect.frame(b, "received", { bytes = rl.control_hex("session_paused", b) })
expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = a })
expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = b })
expect.eq(relay:daemon_online(daemon), false, "the relay marks the daemon offline")

daemon:reconnect()
expect.control(a, "session_resumed")
expect.control(b, "session_resumed")
expect.eq(a.link, link_a, "a kept its connection")
expect.eq(b.link, link_b, "b kept its connection")
b:send("still here")
expect.delivered(daemon, "still here", { session = b })
