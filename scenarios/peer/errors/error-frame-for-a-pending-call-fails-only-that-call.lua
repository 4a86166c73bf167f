-- An ErrorFrame whose frameId matches an outstanding request is routed to
-- that request: the call rejects rpc_error with the frame's code (here 2000,
-- non-fatal), while the connection and another call carry on.
scenario {
  name = "errors: an ErrorFrame matching a pending request fails that request only",
  requirements = { "SBP-ERR-005", "SBP-ERR-004" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, nil, { raw = true })

alice:connect()
expect.link(alice, "open")
local acc = bob:accepted(1)
acc:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "bob" } })
expect.peer_state(alice, "active")
local a = alice:call("a")
local b = alice:call("b")
local req = expect.sbp(acc, "received", { m = "a" })
local rb = expect.sbp(acc, "received", { m = "b" })
acc:send_raw(sim.sbp { kind = "Error", id = req.id, code = 2000, message = "cannot" })
expect.rpc(alice, a, { err = "rpc_error", wire = 2000 })
acc:send_raw(sim.sbp { kind = "Message", subject = "rpc", json = { t = "R", cid = rb.cid, result = "fine" } })
expect.rpc(alice, b, { result = "fine" })
expect.eq(alice.state, "active", "non-fatal: the connection stays")
