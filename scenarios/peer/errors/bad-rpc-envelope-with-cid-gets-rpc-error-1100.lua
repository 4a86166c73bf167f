-- A request whose envelope is invalid (no method) but whose cid can be read
-- is answered request-scoped: RpcError 1100 with that cid, never an
-- ErrorFrame, and the connection stays.
scenario {
  name = "errors: an invalid envelope with a readable cid gets RpcError 1100",
  requirements = { "RPC-VAL-001", "RPC-VAL-003", "RPC-ERR-001", "RPC-ERR-002" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
local cid = string.rep("c", 32)
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc", json = { t = "r", cid = cid } })
local e = expect.sbp(bob:accepted(1), "sent", { type = "E", cid = cid })
expect.eq(e.code, 1100, "InvalidEnvelope, in RPC's range")
expect.no_sbp(bob:accepted(1), "sent", { kind = "Error" }, { during = "1s" })
expect.eq(bob:accepted(1).state, "active", "request-scoped: the connection stays")
