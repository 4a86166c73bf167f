-- Ping payloads of 0 to 8 bytes are valid (SBRP-WIRE-022): the relay
-- answers an empty Ping and an 8-byte Ping, each with a Pong echoing the
-- payload byte for byte (Length 0 and 8) with SessionID 0; the client's
-- connection and session stay as they were.
scenario {
  name = "keepalive: Pings of 0 and 8 bytes are answered",
  requirements = { "SBRP-KA-001", "SBRP-WIRE-022" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

client:ping("")
expect.frame(client, "received", { bytes = "1100000000" .. "0000000000000000" })
client:ping("ffeeddccbbaa9988")
expect.frame(client, "received", { bytes = "1100000008" .. "0000000000000000" .. "ffeeddccbbaa9988" })
expect.no_frame(daemon, "received", { type = "Ping" }, { during = "1s" })

client:send("after the pings")
expect.delivered(daemon, "after the pings")
expect.eq(relay:session_state(client), "Paired", "the session is untouched")
