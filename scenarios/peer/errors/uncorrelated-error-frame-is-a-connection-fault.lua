-- An ErrorFrame with UnsupportedFeature (1003) whose frameId matches nothing
-- is a connection-level fault: it is reported (onUnhandledError), it is not
-- fatal, and later frames are processed normally.
scenario {
  name = "errors: an ErrorFrame matching no request is a connection-level fault",
  requirements = { "SBP-ERR-005", "SBP-ERR-003", "PEER-ERR-003" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, nil, { raw = true })
local sub = alice:on("still")

alice:connect()
expect.link(alice, "open")
local acc = bob:accepted(1)
acc:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "bob" } })
acc:send_raw(sim.sbp { kind = "Error", id = string.rep("e", 32), code = 1003, message = "no streams here" })
expect.unhandled(alice, { text = "1003" })
acc:send_raw(sim.sbp { kind = "Message", subject = "event", json = { t = "N", e = "still" } })
expect.event(alice, "still", { sub = sub })
expect.eq(alice.state, "active", "not fatal")
