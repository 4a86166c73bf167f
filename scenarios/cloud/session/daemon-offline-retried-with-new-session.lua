-- The daemon is registered but not connected: the relay answers the
-- client's HandshakeInit with Control(daemon_offline) scoped to its sid.
-- The SDK classifies daemon_offline as retryable: after the backoff it asks
-- relay.createSession again and retries with a brand-new sid, which works
-- once the daemon is online.
scenario {
  name = "daemon_offline during the handshake: retried with a new session",
  requirements = { "CLOUD-042", "CLOUD-022", "AUTH-053" },
}

local world  = sim.world { seed = 23 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", start = false }
local client = cloud:client { daemon = daemon }

client:connect()
local s1 = expect.api(client, "relay.createSession", { status = 200 })
expect.control(client, "daemon_offline", { sid = s1.sid })
cloud:listen(daemon)
expect.state(daemon, "Connected")
local s2 = expect.api(client, "relay.createSession", { status = 200 })
expect.truthy(s2.sid ~= s1.sid, "a brand-new session")
expect.frame(client, "sent", { type = "HandshakeInit", sid = s2.sid })
expect.state(client, "Active")
expect.no_note(client, "unhandled_error", { during = "1s" })
