-- Keepalive: the relay answers a client's Ping with a Pong carrying the same
-- payload and SessionID 0, and never forwards it to the daemon.
scenario {
  name = "relay answers a Ping with the same payload",
  requirements = { "SBRP-KA-001", "SBRP-WIRE-014" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect()
expect.state(client, "Active")

client:ping("0102030405060708")
expect.frame(relay, "received", { type = "Ping", payload = "0102030405060708" })
expect.frame(relay, "sent", { type = "Pong", payload = "0102030405060708", sid = 0 })
expect.frame(client, "received", { bytes = "11000000080000000000000000" .. "0102030405060708" })
expect.no_frame(daemon, "received", { type = "Ping" }, { during = "1s" })
expect.no_frame(daemon, "received", { type = "Pong" }, { during = "0" })
expect.state(client, "Active")
