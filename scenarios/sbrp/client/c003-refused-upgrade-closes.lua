-- SBRP-SM-C-003: the WebSocket never opens (here the relay refuses the
-- upgrade with HTTP 429: the daemon is at its session cap). The client goes
-- from Connecting straight to Closed and surfaces the transport error; it
-- sends no frame and, Closed being final, does not retry on its own.
scenario {
  name = "C-003: refused upgrade closes the connecting client",
  requirements = {},
  rows = { "SBRP-SM-C-003" },
}

local world  = sim.world {}
local relay  = world:relay { max_sessions = 1 }
local daemon = world:daemon { id = "d_abc" }
local first  = world:client { name = "first", daemon = daemon }
first:connect()
expect.state(first, "Active")

local client = world:client { daemon = daemon }          -- auto_reconnect stays on
client:connect()
expect.link(client, "refused", { code = 429 })
local token = client.token
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003", { event = "ws_error" })
expect.eq(client.state, "Closed", "Closed")
expect.no_frame(client, "sent", {}, { during = "10s" })  -- no HandshakeInit, no retry
expect.eq(client.state, "Closed", "still Closed 10 s later")
expect.eq(client.token, token, "no new session token was fetched")
local ok, err = client:send("x")
expect.eq(err, "SB_ERR_STATE", "nothing can be sent")
-- The first session is untouched.
first:send("still here")
expect.delivered(daemon, "still here", { session = first })
