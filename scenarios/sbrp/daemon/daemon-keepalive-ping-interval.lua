-- Daemon keepalive: with ping_interval 45 s the daemon sends a Ping on its
-- relay connection every 45 s (an 8-byte counter as payload, SessionID 0) and
-- the relay answers each with a Pong carrying the same payload. The hosted
-- relay closes connections idle for about 90 s: the pinging daemon is still
-- online after 5 minutes, a silent daemon next to it is closed at 90 s.
scenario {
  name = "daemon keepalive Pings every ping_interval keep its connection open",
  requirements = { "SBRP-KA-005", "SBRP-KA-001", "SBRP-WIRE-014" },
}

local world  = sim.world {}
local relay  = world:relay { idle_timeout = "90s" }
local daemon = world:daemon { id = "d_abc", ping_interval = "45s" }
local silent = world:daemon { id = "d_silent", auto_reconnect = false }

local p1 = expect.frame(daemon, "sent", { type = "Ping", timeout = "50s" })
local p2 = expect.frame(daemon, "sent", { type = "Ping", timeout = "50s" })
expect.eq(p2.t - p1.t, sim.duration("45s"), "one Ping every 45 s")
expect.eq(sim.hex(p1.bytes), "10" .. "00000008" .. "0000000000000000" .. "0000000000000001", "first Ping")
expect.eq(sim.hex(p2.bytes), "10" .. "00000008" .. "0000000000000000" .. "0000000000000002", "second Ping")
expect.frame(daemon, "received", { bytes = "11" .. "00000008" .. "0000000000000000" .. "0000000000000001" })
expect.frame(daemon, "received", { bytes = "11" .. "00000008" .. "0000000000000000" .. "0000000000000002" })

-- The silent daemon is closed once idle for 90 s; the pinging one never is.
expect.link(silent, "closed", { timeout = "2m" })
world:advance("3m")
expect.eq(daemon.state, "Connected", "the pinging daemon after 5 min")
expect.truthy(relay:daemon_online(daemon), "still online")
expect.truthy(not relay:daemon_online(silent), "the silent daemon was closed")
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
