-- The relay never derives Control content from encrypted payloads
-- (SBRP-CTRL-007, SBRP-WIRE-003). Plaintexts that are byte-exact Control
-- and Signal frames (session_expired, Signal(close), session_paused for
-- this very session) travel as Data: forwarded byte for byte, delivered
-- unchanged, and the relay sends no Control at all; the session stays up.
scenario {
  name = "opaque Data: plaintext that looks like Control is only forwarded",
  requirements = { "SBRP-CTRL-007", "SBRP-WIRE-003", "SBRP-RELAY-020", "SBRP-RELAY-021" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

local up = { sim.frame { type = "Control", sid = client, control = "session_expired" },
             sim.frame { type = "Signal", sid = client, signal = "close", reason = "shutdown" } }
for _, text in ipairs(up) do
  client:send(text)
  local sent = expect.frame(client, "sent", { type = "Data" })
  expect.frame(relay, "received", { bytes = sim.hex(sent.bytes) })
  expect.frame(relay, "sent", { bytes = sim.hex(sent.bytes) })
  expect.frame(daemon, "received", { bytes = sim.hex(sent.bytes) })
  expect.delivered(daemon, text, { session = client })
end

local down = sim.frame { type = "Control", sid = client, control = "session_paused" }
daemon:send(client, down)
local sent = expect.frame(daemon, "sent", { type = "Data" })
expect.frame(client, "received", { bytes = sim.hex(sent.bytes) })
expect.delivered(client, down)

expect.no_frame(relay, "sent", { type = "Control" }, { during = "1s" })
expect.eq(relay:session_state(client), "Paired", "the relay's session is untouched")
expect.state(client, "Active")
