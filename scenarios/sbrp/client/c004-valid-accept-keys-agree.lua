-- SBRP-SM-C-004: a valid HandshakeAccept makes the client Active: it
-- verified the daemon's signature, derived the same two traffic keys as the
-- daemon (each side opens what the other sealed), and starts both counters
-- at 0, independently per direction. Data frames are 13 + 12 (nonce =
-- direction + seq) + N + 16 (tag) bytes. The 30 s handshake deadline is off.
scenario {
  name = "C-004: valid HandshakeAccept, keys agree, counters from 0",
  requirements = { "SBRP-CRYPTO-005", "SBRP-CRYPTO-006", "SBRP-CRYPTO-020", "SBRP-CRYPTO-021",
                   "SBRP-CRYPTO-023", "SBRP-CRYPTO-030", "SBRP-WIRE-021" },
  rows = { "SBRP-SM-C-004" },
}
local cl = require "client"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
local accept = expect.frame(client, "received", { type = "HandshakeAccept", sid = client, len = 128 })
local tr = expect.transition(client, "Handshaking>Active@SBRP-SM-C-004", { event = "HandshakeAccept (valid)" })
expect.eq(tr.t, accept.t, "Active on receipt of the Accept")
local sid = cl.sidhex(client.session_id)

-- client -> daemon: seq 0, 1, 2; direction 1; sizes 13 + 28 + N.
local sent = { "", "hello", string.rep("z", 100) }
for i, msg in ipairs(sent) do
  client:send(msg)
  local f = expect.frame(client, "sent", { type = "Data", seq = i - 1, len = 28 + #msg })
  expect.eq(#f.bytes, 13 + 28 + #msg, "Data frame size for a " .. #msg .. "-byte message")
  expect.eq(sim.hex(f.bytes:sub(1, 25)),
            "03" .. string.format("%08x", 28 + #msg) .. sid .. "00000001" .. string.format("%016x", i - 1),
            "header and nonce (direction 1, seq " .. (i - 1) .. ")")
  expect.delivered(daemon, msg, { session = client })       -- the daemon opens it: same K_c2d
end
-- daemon -> client: its own counter starts at 0 (directions are independent).
for i, msg in ipairs({ "world", "again" }) do
  daemon:send(client, msg)
  local f = expect.frame(client, "received", { type = "Data", seq = i - 1, len = 28 + #msg })
  expect.eq(sim.hex(f.payload:sub(1, 12)), "00000002" .. string.format("%016x", i - 1),
            "nonce: direction 2, seq " .. (i - 1))
  expect.delivered(client, msg)                              -- same K_d2c
end
-- The handshake deadline was cancelled: 31 s later the session is still Active.
expect.no_note(client, "handshake_timeout", { during = "31s" })
expect.eq(client.state, "Active", "still Active after 30 s")
client:send("late")
expect.delivered(daemon, "late", { session = client })
