-- The upstream Peer SDK sends nothing for an invalid RPC envelope and hands
-- the error to onUnhandledError (rpc.ts); upstream_silent_envelopes selects
-- that reading (errata E-PEER-11).
scenario {
  name = "errors: upstream reading, invalid envelopes only reach onUnhandledError",
  requirements = { "RPC-VAL-007", "PEER-ERR-003" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true }, { upstream_silent_envelopes = true })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc", data = "{oops" })
mallory:send_raw(sim.sbp { kind = "Message", subject = "rpc", json = { t = "r", cid = string.rep("c", 32) } })
expect.unhandled(bob:accepted(1))
expect.unhandled(bob:accepted(1))
expect.no_sbp(bob:accepted(1), "sent", { kind = "Error" }, { during = "1s" })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Message" }, { during = "0" })
