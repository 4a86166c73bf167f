-- While a session is Paused the relay promises no buffering
-- (SBRP-RELAY-029): a Data frame the client sends then (crafted: its SDK
-- refuses to send while Paused) is dropped with a note, and is not
-- delivered after the session resumes; the next frame is.
scenario {
  name = "Paused: client frames are dropped, never buffered",
  requirements = { "SBRP-RELAY-029", "SBRP-RELAY-024" },
  rows = { "SBRP-SM-R-005", "SBRP-SM-R-008", "SBRP-SM-R-011" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { resumable = true, auto_reconnect = false } }
client:send("first")
local data = expect.frame(client, "sent", { type = "Data", seq = 0 })
expect.delivered(daemon, "first")
expect.frame(daemon, "received", { type = "Data", seq = 0 })

daemon:drop_connection()
expect.control(client, "session_paused")
-- The same frame again, now while Paused: the relay cannot know it is old.
client:send_raw(data.bytes)
expect.note(relay, "frame_dropped", { text = "while Paused" })

daemon:reconnect()
expect.control(client, "session_resumed")
expect.no_frame(daemon, "received", { type = "Data" }, { during = "1s" })
client:send("second")
expect.delivered(daemon, "second", { session = client })
expect.no_note(daemon, "sequence_error", { during = "0" })
