-- Events emitted before connect() are buffered and sent in order once the
-- peer is active, right after the buffered RPC calls (upstream flushes the
-- RPC queue first, then the events: errata E-PEER-9).
scenario {
  name = "events: buffered until active, flushed in order after the RPC queue",
  requirements = { "EVT-EMT-003", "EVT-EMT-004", "PEER-BUF-005", "PEER-BUF-007" },
  rows = { "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause" })
local sub = bob:on_pattern("step.*")
bob:handle("go", { result = true })

alice:emit("step.one", 1)
alice:call("go")
alice:emit("step.two", 2)
expect.eq(alice.buffered_events, 2, "two events buffered")
alice:connect()
local t3 = expect.transition(alice, "negotiating>active@PEER-SM-T3")
local call = expect.sbp(alice, "sent", { kind = "Message" })
expect.eq(call.m, "go", "the buffered call goes first")
expect.eq(expect.sbp(alice, "sent", { kind = "Message" }).e, "step.one", "then the events in order")
expect.eq(expect.sbp(alice, "sent", { kind = "Message" }).e, "step.two", "oldest first")
expect.eq(call.t, t3.t, "all at the transition to active")
expect.event(bob:accepted(1), "step.one", { sub = sub, data = 1 })
expect.event(bob:accepted(1), "step.two", { sub = sub, data = 2 })
