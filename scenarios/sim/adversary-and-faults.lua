-- Simulator self-check: the adversary and network faults through the API:
-- a corrupted Data frame (decrypt_failed, the client reconnects), two frames
-- reordered (both accepted by the window), a replayed frame, a forged one,
-- a client Signal (disallowed_sender), an oversized Ping, daemon keepalive,
-- a partition healed.
scenario {
  name = "sim: adversary and network faults",
  requirements = { "SBRP-CRYPTO-024", "SBRP-REPLAY-003", "SBRP-REPLAY-005", "SBRP-SIG-005", "SBRP-KA-002",
                   "SBRP-KA-004" },
}
local world  = sim.world { jitter = "2ms" }
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", ping_interval = "10s" }
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
-- corrupt one Data frame from the daemon: the client cannot open it
world:wire(relay, client):corrupt { type = "Data", offset = -1 }
daemon:send(client, "tampered")
expect.note(client, "decrypt_failed")
expect.state(client, "Reconnecting")
expect.state(client, "Active", { timeout = "5s" })
-- reorder two frames: the window accepts both
world:wire(client, relay):reorder { type = "Data" }
client:send("one")
client:send("two")
expect.delivered(daemon, "two")
expect.delivered(daemon, "one")
-- replay the latest Data frame
world:wire(client, relay):replay { type = "Data" }
expect.note(daemon, "sequence_error")
-- forged: inject a crafted Data frame
world:wire(client, relay):inject(sim.frame { type = "Data", sid = client, hex = "00000001" .. "00000000000003e8" .. string.rep("00", 28) })
expect.note(daemon, "decrypt_failed")
-- a client sends a Signal: disallowed_sender
local c2 = world:client { name = "c2", daemon = daemon, auto_reconnect = false }
c2:connect()
expect.state(c2, "Active")
c2:send_raw(sim.frame { type = "Signal", sid = c2, signal = "ready" })
expect.control(c2, "disallowed_sender")
expect.link(c2, "closed", { code = 1008 })
-- oversized Ping
local c3 = world:client { name = "c3", daemon = daemon, auto_reconnect = false }
c3:connect()
expect.state(c3, "Active")
c3:ping("000102030405060708")
expect.control(c3, "payload_too_large")
-- keepalive
expect.frame(daemon, "sent", { type = "Ping", timeout = "15s" })
expect.frame(daemon, "received", { type = "Pong" })
-- partition
world:partition(daemon, { drop = true })
expect.state(daemon, "Reconnecting")
world:advance("5s")
expect.state(daemon, "Reconnecting")
world:heal(daemon)
expect.state(daemon, "Connected", { timeout = "70s" })
