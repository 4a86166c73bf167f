-- A Message whose subject is none of rpc, event, stream or app/... (here the
-- old-style "rpc/legacy") gets ErrorFrame 1002 "Invalid subject namespace"
-- and the connection stays open: a valid request is still served, the
-- rejected one never is.
scenario {
  name = "errors: an unknown subject gets an ErrorFrame, the connection stays",
  requirements = { "SBP-SUBJ-005", "SBP-SUBJ-004", "SBP-MSG-003", "SBP-ERR-002" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })
bob:handle("ok", { result = 1 })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc/legacy", json = { t = "r", m = "ok", cid = string.rep("a", 32) } })
local ef = expect.sbp(bob:accepted(1), "sent", { kind = "Error" })
expect.eq(ef.code, 1002, "InvalidFrame")
expect.eq(ef.message, "Invalid subject namespace", "the documents' message")
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc", json = { t = "r", m = "ok", cid = string.rep("b", 32) } })
expect.sbp(bob:accepted(1), "sent", { type = "R", cid = string.rep("b", 32) })
expect.no_sbp(bob:accepted(1), "sent", { type = "R", cid = string.rep("a", 32) }, { during = "1s" })
