-- Pause, pending, resume with the same keys and counters: after the resume
-- the next Data frames continue both sequence numbers where they stopped
-- (client 0,1,2 then 3; daemon 0,1 then 2) and open with the old keys: no
-- handshake, no new keys on either end (so no new key-log line). Both replay
-- windows survived too: a frame from before the drop, replayed, is refused.
scenario {
  name = "resume continues both counters and keeps keys and replay windows",
  requirements = { "SBRP-RES-006", "SBRP-CRYPTO-033", "SBRP-CRYPTO-030", "SBRP-RELAY-026",
                   "SBRP-REPLAY-005" },
  rows = { "SBRP-SM-C-008", "SBRP-SM-C-011", "SBRP-SM-C-013", "SBRP-SM-D-009" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
expect.keys(client, { session = client })
expect.keys(daemon, { session = client })
for i = 0, 2 do client:send("c" .. i) end
for i = 0, 1 do daemon:send(client, "d" .. i) end
expect.delivered(daemon, "c2")
expect.delivered(client, "d1")
-- Where each counter stopped, at both ends of each direction.
expect.frame(client, "sent", { type = "Data", seq = 2 })
expect.frame(daemon, "received", { type = "Data", seq = 2 })
expect.frame(daemon, "sent", { type = "Data", seq = 1 })
expect.frame(client, "received", { type = "Data", seq = 1 })

daemon:drop_connection()
world:advance("3s")
daemon:reconnect()
expect.transitions(client, { "Active>Paused", "Paused>Pending", "Pending>Active" })

-- The next Data frame each end sends and receives continues the sequence.
client:send("c3")
daemon:send(client, "d2")
local function next_seq(node, dir) return expect.frame(node, dir, { type = "Data" }).seq end
expect.eq(next_seq(client, "sent"), 3, "client sends seq 3")
expect.eq(next_seq(daemon, "received"), 3, "daemon receives seq 3")
expect.eq(next_seq(daemon, "sent"), 2, "daemon sends seq 2")
expect.eq(next_seq(client, "received"), 2, "client receives seq 2")
expect.delivered(daemon, "c3", { session = client })
expect.delivered(client, "d2")
expect.no_keys(client, { during = "0" })
expect.no_keys(daemon, { during = "0" })
expect.no_frame(client, "sent", { type = "HandshakeInit" }, { during = "0" })

-- The windows: the client's seq 1 and the daemon's seq 0, replayed, are refused.
world:wire(client, relay):replay { type = "Data", nth = 2 }
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_REPLAY", session = client })
world:wire(relay, client):replay { type = "Data", nth = 1 }
expect.note(client, "sequence_error", { err = "SB_ERR_SBRP_REPLAY" })
expect.no_delivery(daemon, { during = "1s" })
expect.no_delivery(client, { during = "0" })
client:send("c4")
expect.delivered(daemon, "c4")
