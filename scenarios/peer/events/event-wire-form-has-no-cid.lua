-- An event is one Message on subject "event" whose data is the notification
-- envelope {"t":"N","e":name,"d":data}: no cid, and no response of any kind.
scenario {
  name = "events: the notification envelope on subject event, no cid, no reply",
  requirements = { "EVT-001", "EVT-002", "RPC-ENV-006", "RPC-NOT-001", "RPC-CH-001" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
local sub = bob:on("task.completed")
P.connect(alice, bob)

alice:emit("task.completed", { taskId = "abc" })
local f = expect.sbp(alice, "sent", { subject = "event" })
expect.eq(sim.sbp_decode(f.bytes).data, '{"t":"N","e":"task.completed","d":{"taskId":"abc"}}', "the envelope")
expect.eq(f.cid, nil, "no cid")
expect.event(bob:accepted(1), "task.completed", { sub = sub, data = { taskId = "abc" } })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Message" }, { during = "1s" })
