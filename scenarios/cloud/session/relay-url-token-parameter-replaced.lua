-- The endpoint of an attempt is the relayUrl the control plane returned
-- with its `token` search parameter set (replacing one already there), as
-- WHATWG URL does it: host lower-cased, default port dropped, other
-- parameters kept. The relay reads the fresh token from the query.
scenario {
  name = "the session token replaces the token parameter of relayUrl",
  requirements = { "AUTH-022", "CLOUD-023", "AUTH-020" },
}

local world  = sim.world { seed = 26 }
local relay  = world:relay {}
local cloud  = world:cloud { relay_url = "wss://EU.Relay.sim.sbconf.invalid:443/connect?region=eu&token=stale" }
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }
client:connect()
local s = expect.api(client, "relay.createSession", { status = 200 })
expect.eq(s.data.relayUrl, "wss://EU.Relay.sim.sbconf.invalid:443/connect?region=eu&token=stale", "relayUrl as returned")
local open = expect.note(client, "attempt_open", { session = s.sid })
expect.eq(open.text, "wss://eu.relay.sim.sbconf.invalid/connect?region=eu&token=" .. s.data.token, "the endpoint")
expect.note(relay, "token_presented", { text = "query parameter" })
expect.state(client, "Active")
