-- A peer over a cloud client (connect() of the cloud SDK): the peer owns
-- the retry loop, and each of its attempts goes through the cloud's token
-- step, so every reconnect asks relay.createSession again and runs with a
-- brand-new sid, exactly after the peer's own backoff.
scenario {
  name = "retry: every peer attempt over the cloud client fetches a new session",
  requirements = { "PEER-RETRY-007", "CLOUD-022", "CLOUD-020", "AUTH-053" },
  rows = { "PEER-SM-T6", "PEER-SM-T8", "PEER-SM-T3" },
}
local world  = sim.world {}
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
local client = cloud:client { daemon = daemon }
local bob = world:peer_server { name = "bob", via = daemon }
local alice = world:peer { name = "alice", via = client, retry = { mode = "on-error" } }
bob:handle("x", { result = 1 })
alice:connect()
local s1 = expect.api(client, "relay.createSession", { status = 200 })
expect.peer_state(alice, "active")

client:drop_connection()
local r = expect.retry(alice, { attempt = 1 })
local t8 = expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
expect.eq(t8.t - r.t, r.delay_us, "the peer's backoff decides when")
local s2 = expect.api(client, "relay.createSession", { status = 200 })
expect.truthy(s2.t >= t8.t, "the session is fetched for the new attempt")
expect.truthy(s2.sid ~= s1.sid, "a brand-new sid")
expect.transition(alice, "negotiating>active@PEER-SM-T3")
expect.rpc(alice, alice:call("x"), { result = 1 })
