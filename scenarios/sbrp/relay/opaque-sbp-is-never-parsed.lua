-- Session layers never parse SBP (SBP-SUBJ-009; SBRP-RELAY-021): the relay
-- forwards whatever the encrypted Data carries. An SBP Message with a
-- forbidden subject (a NUL in it), one whose subjectLen overruns the
-- buffer, and plain garbage each cross the relay byte for byte and are
-- delivered unchanged -- no SBP error, no Control, no note, no close.
scenario {
  name = "opaque Data: invalid SBP and garbage are forwarded unchanged",
  requirements = { "SBP-SUBJ-009", "SBRP-RELAY-021", "SBRP-RELAY-020", "SBRP-WIRE-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

local id = string.rep("\x5a", 16)
local texts = {
  "\1\0" .. id .. "\8\0\0\0" .. "app/\0bad" .. "{}",           -- Message, subject with a NUL
  "\1\0" .. id .. "\255\255\0\0" .. "rpc",                      -- subjectLen 65535, 3 bytes follow
  "\255\254\253 not SBP at all \0\1\2",                          -- garbage
}
for _, text in ipairs(texts) do
  client:send(text)
  local sent = expect.frame(client, "sent", { type = "Data" })
  expect.frame(relay, "sent", { bytes = sim.hex(sent.bytes) })
  expect.delivered(daemon, text, { session = client })
  daemon:send(client, text)
  expect.delivered(client, text)
end

expect.no_frame(relay, "sent", { type = "Control" }, { during = "1s" })
expect.no_note(relay, "frame_rejected", { during = "0" })
expect.no_note(relay, "frame_dropped", { during = "0" })
expect.eq(relay:session_state(client), "Paired", "the relay's session is untouched")
