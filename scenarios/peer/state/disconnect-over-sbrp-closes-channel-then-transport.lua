-- disconnect() inside SBRP: the SBP Close goes out inside the channel first,
-- then the channel ends (the client wipes its keys and closes) and the
-- WebSocket closes with 1000; nothing follows on that connection.
scenario {
  name = "disconnect() over SBRP closes SBP, then the channel, then the transport",
  requirements = { "PEER-SES-002", "PEER-NEG-004", "SBP-CTL-008" },
  rows = { "PEER-SM-T12", "SBRP-SM-C-017" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client = P.sbrp(world)
P.connect(alice, bob)

alice:disconnect()
local close = expect.sbp(alice, "sent", { op = "Close", data = "disconnect" })
local data = expect.frame(client, "sent", { type = "Data", seq = 1 }, { timeout = "0" }) -- after the Handshake (seq 0)
expect.eq(data.t, close.t, "the Close is the client's second Data frame")
expect.transition(client, "Active>Closed@SBRP-SM-C-017")
local ws = expect.link(client, "close", { code = 1000 })
expect.eq(ws.t, close.t, "in the same instant, in that order")
expect.no_frame(client, "sent", { type = "Data" }, { during = "1s" })
expect.eq(expect.sbp(bob:accepted(1), "received", { op = "Close" }).bytes, close.bytes, "bob got the Close")
expect.peer_state(bob:accepted(1), "closed")
