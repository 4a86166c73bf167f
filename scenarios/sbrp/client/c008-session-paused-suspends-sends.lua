-- SBRP-SM-C-008: the daemon's connection drops; the relay sends
-- Control(session_paused) with the client's SessionID (non-terminal). The
-- client goes Active -> Paused, keeps its WebSocket open and suspends
-- encrypted sends: send() is refused and no Data frame leaves it.
scenario {
  name = "C-008: session_paused suspends encrypted sends, keeps the WebSocket",
  requirements = { "SBRP-RELAY-024", "SBRP-CTRL-002", "SBRP-CTRL-003", "SBRP-CRYPTO-009" },
  rows = { "SBRP-SM-C-008" },
}

local world  = sim.world {}
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")
client:send("before")
expect.frame(client, "sent", { type = "Data", seq = 0 })

local link = client.link
daemon:drop_connection()
local ctl = expect.control(client, "session_paused", { sid = client })
expect.eq(sim.hex(ctl.bytes), "2000000002" .. string.format("%016x", client.session_id) .. "1001",
          "Control(session_paused) frame, SID = the session")
local tr = expect.transition(client, "Active>Paused@SBRP-SM-C-008", { event = "Control(session_paused)" })
expect.eq(tr.t, ctl.t, "Paused on receipt")
local ok, err = client:send("while paused")
expect.eq(err, "SB_ERR_STATE", "sending while Paused is refused")
expect.no_frame(client, "sent", { type = "Data" }, { during = "5s" })
-- The WebSocket is still open: a Ping gets its Pong, and the state is unchanged.
client:ping("0a0b")
expect.frame(client, "received", { type = "Pong", payload = "0a0b" })
expect.eq(client.state, "Paused", "still Paused")
expect.eq(client.link, link, "the same WebSocket as before the pause")
