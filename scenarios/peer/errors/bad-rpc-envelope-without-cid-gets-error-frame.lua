-- An RPC envelope that cannot be parsed (data that is not JSON) cannot be
-- correlated with any call, so it escalates to the connection: ErrorFrame
-- 1002 "Malformed RPC envelope". It is not fatal: the connection stays and
-- the next request is answered.
scenario {
  name = "errors: an unparsable RPC envelope escalates to ErrorFrame 1002",
  requirements = { "RPC-VAL-002", "RPC-VAL-003", "RPC-VAL-005", "SBP-ERR-009", "SBP-ERR-002" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })
bob:handle("ok", { result = 1 })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc", id = "0000000000000000000000000000000a", data = "{oops" })
local ef = expect.sbp(bob:accepted(1), "sent", { kind = "Error" })
expect.eq(ef.code, 1002, "InvalidFrame")
expect.truthy(ef.id ~= "0000000000000000000000000000000a", "with a fresh frameId")
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc", json = { t = "r", m = "ok", cid = string.rep("b", 32) } })
expect.sbp(bob:accepted(1), "sent", { type = "R", cid = string.rep("b", 32) })
expect.eq(bob:accepted(1).state, "active", "the connection stays")
