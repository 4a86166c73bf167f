-- A session_paused arrives after the SBRP channel is up but before the peer's
-- SBP Handshake: it is held, and replayed right after the peer enters
-- active, so the peer ends up paused instead of sending into a paused
-- relay session (the signal subscription starts in active).
scenario {
  name = "a signal during the SBP handshake is honoured once active",
  requirements = { "PEER-SM-012", "PEER-SM-011" },
  rows = { "PEER-SM-T3", "PEER-SM-T9" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client = P.sbrp(world)
world:wire("relay", client):delay("1s", { type = "Data" }) -- bob's Handshake is late

alice:connect()
expect.state(client, "Active")
world:wire("relay", client):inject(sim.frame { type = "Control", sid = client, control = "session_paused" })
world:advance("100ms")
expect.eq(alice.state, "negotiating", "still negotiating: the signal waits")
local t3 = expect.transition(alice, "negotiating>active@PEER-SM-T3")
local t9 = expect.transition(alice, "active>paused@PEER-SM-T9")
expect.eq(t9.t, t3.t, "replayed at once")
expect.peer_state(alice, "paused")
