-- SBRP-SM-D-010: a resumable daemon restarts without persisted state; it
-- still knows the session's SessionID from its disk but not its keys. On
-- reconnecting it sends Signal(close, state_lost) (04 00000002 <sid> 01 01),
-- stays Connected and waits for a new HandshakeInit: the relay expires the
-- pending client, whose automatic reconnect brings a new sid and a new
-- handshake that the daemon accepts.
scenario {
  name = "D-010: lost state: Signal(close, state_lost), then a new handshake",
  requirements = { "SBRP-SIG-001", "SBRP-SIG-003", "SBRP-RES-004", "SBRP-RES-005",
                   "SBRP-RELAY-022", "SBRP-RES-001" },
  rows = { "SBRP-SM-D-010", "SBRP-SM-R-012", "SBRP-SM-C-014", "SBRP-SM-D-003" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true, persist = false }
local client = world:client { daemon = daemon }
local old = d.active(client)
expect.frame(daemon, "received", { type = "HandshakeInit", sid = old })

daemon:restart()                             -- crash and start again: keys gone, SessionID on disk
expect.control(client, "session_paused", { sid = old })
expect.transition(daemon, "Connected>Connected@SBRP-SM-D-010", { session = old })
expect.frame(daemon, "sent", { bytes = d.signal_hex("close", "state_lost", old) })
expect.eq(daemon.state, "Connected", "the daemon stays connected")
expect.transition(relay, "Pending>Closed@SBRP-SM-R-012", { session = old })
expect.control(client, "session_expired", { sid = old })
expect.transition(client, "Pending>Reconnecting@SBRP-SM-C-014")

-- The new HandshakeInit (new sid) is handled like any first contact.
local init = expect.frame(daemon, "received", { type = "HandshakeInit", timeout = "5s" })
expect.truthy(init.sid ~= old, "the new HandshakeInit carries a new SessionID")
expect.transition(daemon, "Connected>Handshaking@SBRP-SM-D-003", { session = init.sid })
expect.state(client, "Active")
client:send("fresh")
expect.delivered(daemon, "fresh", { session = client })
