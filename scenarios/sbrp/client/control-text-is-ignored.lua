-- Endpoints decide on the Control code only, never on its diagnostic text.
-- A session_paused whose text reads like an expiry pauses (C-008) and no
-- more; a rate_limited whose text announces a close changes nothing.
scenario {
  name = "Control text never changes what the client does",
  requirements = { "SBRP-WIRE-025", "SBRP-WIRE-026" },
  rows = { "SBRP-SM-C-008" },
}

local function hex(s) return (s:gsub(".", function(ch) return string.format("%02x", ch:byte()) end)) end
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")
local wire = world:wire(relay, client)

wire:inject(sim.frame { type = "Control", sid = 0, hex = "0901" .. hex("unauthorized: closing now") })
expect.control(client, "rate_limited", { sid = 0 })
expect.eq(client.state, "Active", "rate_limited with alarming text: still Active")
client:send("a")
expect.frame(client, "sent", { type = "Data", seq = 0 })
expect.delivered(daemon, "a", { session = client })

wire:inject(sim.frame { type = "Control", sid = client, hex = "1001" .. hex("session_expired") .. "ff" })
local f = expect.control(client, "session_paused", { sid = client })
expect.eq(#f.payload, 2 + 15 + 1, "code + text (not valid UTF-8 at the end)")
expect.transition(client, "Active>Paused@SBRP-SM-C-008")
expect.no_frame(client, "sent", {}, { during = "1s" })       -- paused: no close, no reconnect
expect.eq(client.state, "Paused", "paused, not expired")
