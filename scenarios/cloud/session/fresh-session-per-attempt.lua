-- An account-mode client fetches a session for every connection attempt:
-- getAccessToken, then relay.createSession, whose token carries a new sid.
-- After a drop, the reconnect asks again and gets another sid; that sid is
-- the one in the upgrade URL, the HandshakeInit and the relay's session.
scenario {
  name = "a session is fetched for every connection attempt (fresh sid)",
  requirements = { "CLOUD-021", "CLOUD-022", "CLOUD-023", "CLOUD-024", "CLOUD-026", "AUTH-053", "AUTH-022", "AUTH-020" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-004", "SBRP-SM-C-010", "SBRP-SM-C-015" },
}

local world  = sim.world { seed = 3 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }

client:connect()
local first = expect.api(client, "relay.createSession", { status = 200 })
local open1 = expect.note(client, "attempt_open", { session = first.sid })
expect.eq(open1.text, "wss://relay.sim.sbconf.invalid/?token=" .. first.data.token, "upgrade URL of attempt 1")
expect.frame(client, "sent", { type = "HandshakeInit", sid = first.sid })
expect.state(client, "Active")
expect.eq(relay:session_state(first.sid), "Paired", "the relay pairs the first sid")

client:drop_connection()
local second = expect.api(client, "relay.createSession", { status = 200 })
expect.truthy(second.sid ~= first.sid, "a new sid for the second attempt")
local open2 = expect.note(client, "attempt_open", { session = second.sid })
expect.eq(open2.text, "wss://relay.sim.sbconf.invalid/?token=" .. second.data.token, "upgrade URL of attempt 2")
expect.frame(client, "sent", { type = "HandshakeInit", sid = second.sid })
expect.state(client, "Active")
expect.eq(client.session_id, second.sid, "the client runs on the new sid")
expect.eq(cloud.sessions, 2, "two sessions issued")
client:send("after the reconnect")
expect.delivered(daemon, "after the reconnect", { session = second.sid })
