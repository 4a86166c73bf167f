-- The server sends Control/Close ("bye") after the Handshakes: the client
-- ends the session as a graceful, non-fatal loss without answering Close;
-- with the default retry policy (never) it closes, and no `error` event is
-- emitted because the loss was not fatal.
scenario {
  name = "Close from the remote ends the session without an error",
  requirements = { "SBP-CTL-007", "SBP-CTL-004", "PEER-RETRY-001" },
  rows = { "PEER-SM-T7" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, nil, { raw = true })

alice:connect()
expect.link(alice, "open")
bob:accepted(1):send_raw(sim.sbp { kind = "Control", op = "Handshake",
  handshake = { protocol = "sideband", version = "1", peerId = "bob", caps = sim.array {}, metadata = {} } })
expect.peer_state(alice, "active")
bob:accepted(1):send_raw(sim.sbp { kind = "Control", op = "Close", data = "bye" })
expect.transition(alice, "active>closed@PEER-SM-T7")
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected",
                          "stateChange:closed", "disconnected" })
expect.no_sbp(alice, "sent", { op = "Close" }, { during = "1s" })
expect.no_sbp(alice, "sent", { kind = "Error" }, { during = "1s" })
expect.link(alice, "close")
