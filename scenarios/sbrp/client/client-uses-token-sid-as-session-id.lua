-- The client takes its SessionID from the `sid` claim of its session token
-- (base64url of 8 bytes big-endian) and puts exactly those 8 bytes in the
-- header of every frame it sends: HandshakeInit and each Data frame. The
-- relay binds the connection to that sid and forwards it unchanged.
scenario {
  name = "client uses its token's sid as SessionID",
  requirements = { "SBRP-WIRE-016", "AUTH-010", "AUTH-012", "AUTH-050", "AUTH-060" },
}
local cl = require "client"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }

client:connect()
local sid, text = cl.token_sid(client.token)        -- decoded here, not by the C code
expect.eq(#text, 11, "the sid claim is 11 base64url characters")
expect.truthy(sid ~= 0, "the token's sid is not zero")
expect.eq(client.session_id, sid, "the client machine read the same SessionID")

-- The relay admitted the connection for that sid, and every frame carries it.
expect.note(relay, "admission", { session = sid, text = "client admitted" })
local init = expect.frame(client, "sent", { type = "HandshakeInit", sid = sid })
expect.eq(sim.hex(init.bytes:sub(6, 13)), cl.sidhex(sid), "HandshakeInit header bytes 5..12")
expect.state(client, "Active")
for i = 0, 2 do
  client:send("m" .. i)
  local data = expect.frame(client, "sent", { type = "Data", seq = i })
  expect.eq(cl.frame_sid(data.bytes), sid, "Data frame " .. i .. " carries the token's sid")
end
expect.frame(daemon, "received", { type = "Data", sid = sid, seq = 2 })
expect.delivered(daemon, "m2", { session = sid })
expect.no_frame(client, "sent", {}, { during = "1s" })   -- nothing else went out
