-- A Message on subject "event" whose data is not a valid notification is
-- dropped: no ErrorFrame goes back (anti-amplification), and a valid event
-- sent next is delivered normally.
scenario {
  name = "events: a malformed event envelope is dropped without an ErrorFrame",
  requirements = { "EVT-003", "RPC-VAL-004", "RPC-CH-002" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })
local sub = bob:on("ok")

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
mallory:send_raw(sim.sbp { kind = "Message", subject = "event", data = "{not json" })
mallory:send_raw(sim.sbp { kind = "Message", subject = "event", json = { t = "r", m = "x", cid = string.rep("0", 32) } })
mallory:send_raw(sim.sbp { kind = "Message", subject = "event", json = { t = "N", e = "ok" } })
expect.event(bob:accepted(1), "ok", { sub = sub })
expect.note(bob, "envelope_dropped")
expect.no_sbp(bob:accepted(1), "sent", { kind = "Error" }, { during = "1s" })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Message" }, { during = "0" })
