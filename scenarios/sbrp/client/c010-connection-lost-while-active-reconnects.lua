-- SBRP-SM-C-010: the relay closes an Active client's WebSocket without any
-- Control frame (here: the client was silent past the relay's idle timeout).
-- The client goes Active -> Reconnecting, forgets its keys and, after its
-- backoff, runs a full new handshake with a new token.
scenario {
  name = "C-010: connection closed while Active leads to Reconnecting",
  requirements = { "SBRP-RES-001" },
  rows = { "SBRP-SM-C-010", "SBRP-SM-C-015" },
}

local world  = sim.world {}
local relay  = world:relay { idle_timeout = "5s" }
local daemon = world:daemon { id = "d_abc", ping_interval = "2s" }    -- the daemon stays busy
local client = world:client { daemon = daemon, backoff = { initial = "2s", jitter = 0 } }
client:connect()
expect.state(client, "Active")
local sid = client.session_id

local closed = expect.link(client, "closed", { timeout = "6s" })
expect.no_frame(client, "received", { type = "Control" }, { during = "0" })   -- no Control came first
local tr = expect.transition(client, "Active>Reconnecting@SBRP-SM-C-010", { event = "ws_close" })
expect.eq(tr.t, closed.t, "Reconnecting when the close arrives")
expect.eq(client:send("x"), false, "no sending while Reconnecting")
expect.control(daemon, "session_ended", { sid = sid })

local retry = expect.link(client, "connect")
expect.eq(retry.t - tr.t, 2000000, "new WebSocket after the 2 s backoff")
expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015")
expect.state(client, "Active")
expect.truthy(client.session_id ~= sid, "new sid")
client:send("back")
expect.delivered(daemon, "back", { session = client })
