-- emit() is synchronous and returns nothing; it throws only for an invalid
-- name (invalid_pattern, at once). A failure to send is not thrown: it is
-- reported through onUnhandledError (EVT-EMT-001). Here the data of one
-- event does not fit the peer's frame buffer: emit returns normally and the
-- error reaches onUnhandledError; the connection is not affected.
scenario {
  name = "sdk: emit is synchronous; send failures go to onUnhandledError",
  requirements = { "EVT-EMT-001", "EVT-EMT-002", "EVT-PAT-006", "PEER-ERR-003" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
P.connect(alice, bob)

local ok, err = alice:emit("bad..name")
expect.eq(ok, false, "an invalid name throws")
expect.truthy(err:find("SB_ERR_EVT_", 1, true), "invalid_pattern: " .. tostring(err))
expect.no_sbp(alice, "sent", { kind = "Message" }, { during = "0" })

local now = world.now
expect.truthy(alice:emit("ok.sent", { v = 1 }), "emit returns")
local sent = expect.sbp(alice, "sent", { subject = "event", e = "ok.sent" })
expect.eq(sent.t, now, "sent at once, within the call (active)")

expect.truthy(alice:emit("too.big", { blob = string.rep("z", 200000) }), "no throw for a send failure")
local u = expect.unhandled(alice, { err = "SB_ERR_BUF", text = "event not sent" })
expect.eq(u.t, now, "reported, not thrown")
expect.no_sbp(alice, "sent", { e = "too.big" }, { during = "500ms" })
expect.peer_state(alice, "active")
alice:emit("ok.again")
expect.sbp(alice, "sent", { e = "ok.again" })
