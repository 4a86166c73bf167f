-- Rate limiting (SBRP-RELAY-040/043): 5 messages per 1 s window per
-- connection. A client sends 8 Data frames at once: 5 are forwarded; the
-- 6th triggers one Control(rate_limited) with SessionID 0 -- once for the
-- window, not per frame -- and frames 6-8 are dropped (errata E-SM-RELAY-9,
-- I-16). rate_limited is not terminal: after the window, traffic flows
-- again on the same connection.
scenario {
  name = "rate limit: the message over the limit gets rate_limited (SID 0, not terminal)",
  requirements = { "SBRP-RELAY-040", "SBRP-RELAY-043", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { relay = { rate_limit = 5, rate_window = "1s" } }
local link = client.link
world:advance("2s")                                  -- a fresh window

for i = 1, 8 do client:send("m" .. i) end
for i = 1, 5 do expect.delivered(daemon, "m" .. i, { session = client }) end
expect.frame(client, "received", { bytes = rl.control_hex("rate_limited", 0) })
expect.note(relay, "frame_dropped", { text = "over the rate limit" })
expect.no_delivery(daemon, { during = "900ms" })
expect.no_frame(client, "received", { control = "rate_limited" }, { during = "0" })
expect.eq(relay:session_state(client), "Paired", "the session is untouched")

world:advance("1s")                                  -- the next window
client:send("after the window")
expect.frame(client, "sent", { type = "Data", seq = 8 })
expect.delivered(daemon, "after the window", { session = client })
expect.eq(client.link, link, "the same connection")
expect.state(client, "Active")
