-- SBRP-SM-C-014: a resumable daemon restarts and lost its session state; on
-- reconnecting it sends Signal(close, state_lost) for the kept SessionID.
-- The client, already Pending (the relay sent session_pending), gets
-- session_expired and goes Pending -> Reconnecting: a new handshake is the
-- only way on.
scenario {
  name = "C-014: session_expired while Pending (the daemon lost the state)",
  requirements = { "SBRP-RES-005", "SBRP-RELAY-022", "SBRP-SIG-003" },
  rows = { "SBRP-SM-C-014" },
}

local world  = sim.world {}
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")
local sid = client.session_id

daemon:crash()
expect.control(client, "session_paused", { sid = sid })
daemon:restart()                                               -- volatile state gone
expect.control(client, "session_pending", { sid = sid })
expect.frame(daemon, "sent", { type = "Signal", signal = "close", reason = "state_lost", sid = sid })
local ctl = expect.control(client, "session_expired", { sid = sid })
local tr = expect.transition(client, "Pending>Reconnecting@SBRP-SM-C-014", { event = "Control(session_expired)" })
expect.eq(tr.t, ctl.t, "Reconnecting on receipt")
expect.link(client, "closed", { code = 1000 })
expect.eq(client:send("x"), false, "nothing to send on")
client:reconnect()
expect.state(client, "Active")
expect.truthy(client.session_id ~= sid, "a new session")
client:send("again")
expect.delivered(daemon, "again", { session = client })
