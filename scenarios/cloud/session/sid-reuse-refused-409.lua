-- The relay admits a session's sid once. A second upgrade with a token for
-- the same sid (a stale or copied session token) is refused with HTTP 409
-- before any WebSocket opens, and the live session is untouched; this is
-- why connect() fetches a fresh session for every attempt: its own
-- reconnect, with a new sid, is admitted.
scenario {
  name = "a reused sid is refused with HTTP 409 at the relay",
  requirements = { "CLOUD-022", "AUTH-053", "AUTH-025" },
  rows = { "SBRP-SM-C-003" },
}

local world  = sim.world { seed = 21 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }
client:connect()
local s1 = expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")

local stale = world:client { name = "stale", daemon = daemon, auto_reconnect = false }
stale:connect { sid = client }                -- a token carrying the same sid
expect.link(relay, "upgrade", { code = 409 })
expect.link(stale, "refused", { code = 409 })
expect.state(stale, "Closed")
expect.no_frame(stale, "sent", {}, { during = "1s" })
expect.eq(relay:session_state(s1.sid), "Paired", "the first session is untouched")
client:send("still here")
expect.delivered(daemon, "still here", { session = s1.sid })

client:drop_connection()
local s2 = expect.api(client, "relay.createSession", { status = 200 })
expect.truthy(s2.sid ~= s1.sid, "the reconnect asks for a new sid")
expect.link(relay, "upgrade", { code = 101 })
expect.state(client, "Active")
