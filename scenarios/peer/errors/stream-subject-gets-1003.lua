-- A Message on the reserved subject "stream" is answered with ErrorFrame
-- 1003 (UnsupportedFeature) and the connection stays; SBP error codes stay
-- in SBP's range (1000-1099).
scenario {
  name = "errors: subject stream gets ErrorFrame 1003, non-fatal",
  requirements = { "SBP-SUBJ-006", "SBP-ERR-003", "SBP-ERR-008" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })
bob:handle("ok", { result = 1 })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
mallory:send_raw(sim.sbp { kind = "Message", subject = "stream", data = "x" })
local ef = expect.sbp(bob:accepted(1), "sent", { kind = "Error" })
expect.eq(ef.code, 1003, "UnsupportedFeature")
expect.truthy(ef.message:find("stream", 1, true) ~= nil, "names the feature")
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc", json = { t = "r", m = "ok", cid = string.rep("d", 32) } })
expect.sbp(bob:accepted(1), "sent", { type = "R" })
