-- Tokens are checked only at the upgrade (SBRP-RELAY-030, AUTH-042): the
-- client's session token expires 120 s after issue, the daemon's presence
-- token after 1 h, yet the relay keeps both connections for 2 h and
-- routes Data on them.
scenario {
  name = "token expiry after the upgrade never closes a connection",
  requirements = { "SBRP-RELAY-030", "AUTH-042" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local link = client.link

world:advance("2h")
client:send("two hours later")
expect.delivered(daemon, "two hours later")
daemon:send(client, "still here")
expect.delivered(client, "still here")
expect.eq(client.link, link, "the same connection")
expect.no_frame(client, "received", { type = "Control" }, { during = "0" })
expect.no_frame(daemon, "received", { type = "Control" }, { during = "0" })
