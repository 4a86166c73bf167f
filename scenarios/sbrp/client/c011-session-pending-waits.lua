-- SBRP-SM-C-011: a resumable daemon reconnects within grace; the relay sends
-- Control(session_pending, S) to its paused client, which goes Paused ->
-- Pending and keeps waiting: sends stay suspended until the daemon's
-- Signal(ready) (held back here by an adversary for 3 s) is turned into
-- session_resumed.
scenario {
  name = "C-011: session_pending keeps the client waiting",
  requirements = { "SBRP-RELAY-026", "SBRP-RES-004" },
  rows = { "SBRP-SM-C-011" },
}

local world  = sim.world {}
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")

daemon:drop_connection()
expect.control(client, "session_paused", { sid = client })
world:advance("2s")
world:wire(daemon, relay):delay("3s", { type = "Signal" })      -- hold back Signal(ready)
daemon:reconnect()
local ctl = expect.control(client, "session_pending", { sid = client })
local tr = expect.transition(client, "Paused>Pending@SBRP-SM-C-011", { event = "Control(session_pending)" })
expect.eq(tr.t, ctl.t, "Pending on receipt")
expect.frame(daemon, "sent", { type = "Signal", signal = "ready", sid = client })
local ok, err = client:send("too early")
expect.eq(err, "SB_ERR_STATE", "sending while Pending is refused")
expect.no_frame(client, "sent", { type = "Data" }, { during = "2.9s" })
expect.eq(client.state, "Pending", "still Pending while the Signal is delayed")
expect.control(client, "session_resumed", { sid = client, timeout = "1s" })
expect.state(client, "Active")
client:send("now")
expect.delivered(daemon, "now", { session = client })
