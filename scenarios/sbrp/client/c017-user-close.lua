-- SBRP-SM-C-017: the user closes an Active session. The client goes to
-- Closed at once, closes its WebSocket with 1000 and forgets its keys; the
-- relay tells the daemon (session_ended). Nothing is retried, even with
-- auto_reconnect on, and nothing can be sent any more.
scenario {
  name = "C-017: user close from Active",
  requirements = { "SBRP-RELAY-025", "SBRP-CRYPTO-007" },
  rows = { "SBRP-SM-C-017" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }               -- auto_reconnect on
client:connect()
expect.state(client, "Active")
client:send("last words")
expect.frame(client, "sent", { type = "Data", seq = 0 })
expect.delivered(daemon, "last words", { session = client })
local sid, token = client.session_id, client.token

expect.eq(client:close(), true, "close from Active")
expect.eq(client.state, "Closed", "Closed at once")
local tr = expect.transition(client, "Active>Closed@SBRP-SM-C-017", { event = "close (user)" })
local close = expect.link(client, "close", { code = 1000 })
expect.eq(close.t, tr.t, "the WebSocket is closed with the transition")
expect.control(daemon, "session_ended", { sid = sid })
expect.no_frame(client, "sent", {}, { during = "10s" })
expect.eq(client.token, token, "no new token: no reconnect")
expect.eq(client:send("more"), false, "nothing can be sent")
local ok, err = client:close()
expect.eq(err, "SB_ERR_STATE", "a second close is refused")
