-- A client's connection carries one session. A session-scoped Control code
-- whose SessionID is not the client's (or a connection-level code with a
-- SessionID) does not follow the code's SID column: a non-terminal one is
-- ignored (the client stays Active, Data flows), a terminal one still ends
-- the connection, since the relay closes it after sending the code anyway.
scenario {
  name = "Control frames with a foreign SessionID",
  requirements = { "SBRP-CTRL-003", "SBRP-CTRL-002" },
  rows = { "SBRP-SM-C-009" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")
local other = client.session_id ~ 1
local wire = world:wire(relay, client)

wire:inject(sim.frame { type = "Control", sid = other, control = "session_paused" })
expect.control(client, "session_paused", { sid = other })
expect.note(client, "control_scope", { text = "another SessionID" })
expect.eq(client.state, "Active", "a pause of another session is ignored")
wire:inject(sim.frame { type = "Control", sid = client, control = "rate_limited" })
expect.control(client, "rate_limited", { sid = client })
expect.note(client, "control_scope", { err = "SB_ERR_SBRP_CONTROL_SCOPE" })
expect.eq(client.state, "Active", "rate_limited with a SessionID: still no effect")
client:send("still on")
expect.delivered(daemon, "still on", { session = client })

wire:inject(sim.frame { type = "Control", sid = other, control = "session_expired" })
expect.control(client, "session_expired", { sid = other })
expect.note(client, "control_scope")
expect.transition(client, "Active>Reconnecting@SBRP-SM-C-009")
expect.eq(client:send("x"), false, "the terminal code still ended the session")
