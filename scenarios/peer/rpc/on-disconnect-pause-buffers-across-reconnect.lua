-- Inside SBRP with onDisconnect "pause": calls made while the peer is
-- reconnecting are buffered, then sent in order right after the new session
-- is active, each with a new frameId as cid, and answered by the new
-- accepted peer, whose handler the server installed again. A 500 ms
-- timeout does not run while a call waits in the buffer.
scenario {
  name = "RPC: calls made while reconnecting are sent after the reconnect",
  requirements = { "PEER-BUF-002", "PEER-BUF-007", "RPC-SDK-007", "RPC-SDK-011", "PEER-SM-010", "RPC-CID-001" },
  rows = { "PEER-SM-T6", "PEER-SM-T8", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client = P.sbrp(world, { on_disconnect = "pause", retry = { mode = "on-error" } })
bob:handle("n", { echo = true })
P.connect(alice)

client:drop_connection()
expect.peer_state(alice, "reconnecting")
local a = alice:call("n", 1, { timeout = "500ms" })
local b = alice:call("n", 2)
expect.eq(alice.queued, 2, "buffered")
local active = expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
active = expect.transition(alice, "negotiating>active@PEER-SM-T3")
local ra = expect.sbp(alice, "sent", { m = "n", session = 2 })
local rb = expect.sbp(alice, "sent", { m = "n", session = 2 })
expect.eq(ra.t, active.t, "sent as the session becomes active")
expect.eq(ra.cid, ra.id, "cid = the request's frameId")
expect.truthy(ra.cid ~= rb.cid, "each its own cid")
expect.eq(sim.sbp_decode(ra.bytes).data, '{"t":"r","m":"n","cid":"' .. ra.cid .. '","p":1}', "first in, first out")
expect.rpc(alice, a, { result = 1 })
expect.rpc(alice, b, { result = 2 })
expect.request(bob:accepted(2), "n")
