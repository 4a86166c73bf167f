-- A Pong from an endpoint (an answer to a Ping it never got, here) is
-- consumed by the relay: not forwarded, not answered, nothing closed
-- (sbrp.md 3: Pong "consume, never forward"); Data still flows after it.
scenario {
  name = "keepalive: a Pong from a client is consumed, never forwarded",
  requirements = { "SBRP-KA-001", "SBRP-WIRE-022" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

client:send_raw(sim.frame { type = "Pong", sid = 0, hex = "0011223344" })
expect.frame(relay, "received", { type = "Pong", payload = "0011223344" })
expect.no_frame(daemon, "received", { type = "Pong" }, { during = "1s" })
expect.no_frame(relay, "sent", { type = "Control" }, { during = "0" })
expect.no_frame(client, "received", { type = "Pong" }, { during = "0" })

client:send("after the pong")
expect.delivered(daemon, "after the pong")
