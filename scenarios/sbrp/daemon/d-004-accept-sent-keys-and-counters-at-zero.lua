-- SBRP-SM-D-004: once the daemon has sent its HandshakeAccept the session is
-- Active: traffic keys are derived (K_c2d, K_d2c) and both counters start at
-- 0. The first Data frame each way carries the nonce direction || seq 0
-- (payload bytes 0..11), the next ones count up per direction independently.
scenario {
  name = "D-004: HandshakeAccept sent: keys derived, counters at 0",
  requirements = { "SBRP-CRYPTO-020", "SBRP-CRYPTO-021", "SBRP-CRYPTO-030", "SBRP-CRYPTO-009" },
  rows = { "SBRP-SM-D-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect()
local accept = expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = client })
local active = expect.transition(daemon, "Handshaking>Active@SBRP-SM-D-004", { session = client })
local keys = expect.keys(daemon, { session = client })
expect.eq(active.t, accept.t, "Active when the accept is sent")
expect.eq(keys.t, accept.t, "keys derived with the accept")
expect.state(client, "Active")

-- Nonce = u32be(direction) || u64be(seq): hex 27..50 of the frame (after the 13-byte header).
local function nonce(rec) return sim.hex(rec.bytes):sub(27, 50) end
daemon:send(client, "d0")
daemon:send(client, "d1")
local d0 = expect.frame(daemon, "sent", { type = "Data", sid = client, seq = 0 })
local d1 = expect.frame(daemon, "sent", { type = "Data", sid = client, seq = 1 })
expect.eq(nonce(d0), "00000002" .. "0000000000000000", "daemon's first nonce")
expect.eq(nonce(d1), "00000002" .. "0000000000000001", "daemon's second nonce")
expect.delivered(client, "d0")
expect.delivered(client, "d1")
client:send("c0")
local c0 = expect.frame(daemon, "received", { type = "Data", sid = client })
expect.eq(nonce(c0), "00000001" .. "0000000000000000", "client's first nonce (its own counter)")
expect.delivered(daemon, "c0", { session = client })
