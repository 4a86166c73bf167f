-- The daemon keys each session by the SessionID in the client's HandshakeInit
-- header: it never sees a client token, only frames. Two clients, two
-- SessionIDs, two independent sessions: each answer carries its Init's
-- SessionID, each Data frame the session's. A second HandshakeInit for a live
-- SessionID does not replace that session: it is ignored (no new accept, no
-- new keys) and the session continues with its counters.
scenario {
  name = "the daemon keys session state by the HandshakeInit SessionID",
  requirements = { "SBRP-WIRE-017", "AUTH-046", "SBRP-RELAY-006", "SBRP-RELAY-004" },
  rows = { "SBRP-SM-D-003", "SBRP-SM-D-004" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local a = world:client { name = "a", daemon = daemon }
local b = world:client { name = "b", daemon = daemon }
local sa, sb = d.active(a), d.active(b)
expect.truthy(sa ~= sb, "two SessionIDs")
for _, s in ipairs { sa, sb } do
  local init = expect.frame(daemon, "received", { type = "HandshakeInit" })
  expect.eq(init.sid, s, "the HandshakeInit carries the client's SessionID")
  expect.eq(#init.bytes, 13 + 32, "and nothing but the ephemeral key (no token)")
  expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = s })
  expect.keys(daemon, { session = s })
end

daemon:send(b, "to b")
expect.frame(daemon, "sent", { type = "Data", sid = sb, seq = 0 })
expect.delivered(b, "to b")
expect.no_delivery(a, { during = "1s" })

-- A second HandshakeInit under a's live SessionID (forwarded by the relay).
a:send_raw(sim.frame { type = "HandshakeInit", sid = a, hex = string.rep("09", 32) })
expect.note(daemon, "frame_dropped", { session = sa, text = "HandshakeInit for a live SessionID" })
expect.no_frame(daemon, "sent", { type = "HandshakeAccept" }, { during = "1s" })
expect.no_keys(daemon, { during = "0" })
daemon:send(a, "to a")
expect.frame(daemon, "sent", { type = "Data", sid = sa, seq = 0 })
expect.delivered(a, "to a")
a:send("from a")
expect.delivered(daemon, "from a", { session = sa })
