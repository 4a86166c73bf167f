-- A runtime generates no Ack unless configured to (acks: "none" is the
-- default): a Router server with default settings answers a request and
-- handles events and app/ Messages without ever sending an Ack (SBP-ACK-003).
scenario {
  name = "receiver: a Router server sends no Acks by default",
  requirements = { "SBP-ACK-003" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
bob:route("rpc", { label = "rpc", result = 1 })
bob:route_prefix("app/", { label = "app" })
local mallory = R.raw_client(world, bob)
local cid = string.rep("01", 16)

mallory:send_raw(R.message("rpc", '{"t":"r","m":"a","cid":"' .. cid .. '"}', cid))
mallory:send_raw(R.message("app/x", "1"))
expect.handled(bob, "app")
expect.sbp(mallory, "received", { type = "R", cid = cid })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Ack" }, { during = "1s" })
