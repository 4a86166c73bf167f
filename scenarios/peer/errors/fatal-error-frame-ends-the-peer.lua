-- The remote sends ErrorFrame 1000 (ProtocolViolation): receiving it is
-- fatal. The peer ends the session without a retry although its policy
-- allows retries (T7), a sent call rejects peer_closed, and `error` follows.
scenario {
  name = "errors: ErrorFrame 1000 from the remote is fatal for the connection",
  requirements = { "SBP-ERR-001", "PEER-RETRY-005", "RPC-SDK-009", "PEER-SM-004" },
  rows = { "PEER-SM-T7" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } }, { raw = true })

alice:connect()
expect.link(alice, "open")
local acc = bob:accepted(1)
acc:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "bob" } })
expect.peer_state(alice, "active")
local c = alice:call("anything")
expect.sbp(acc, "received", { m = "anything" })
acc:send_raw(sim.sbp { kind = "Error", code = 1000, message = "you broke it" })
expect.transition(alice, "active>closed@PEER-SM-T7")
expect.rpc(alice, c, { err = "peer_closed" })
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected",
                          "stateChange:closed", "disconnected", "error:peer_closed" })
expect.sbp(alice, "sent", { op = "Close", data = "remote_error" })
expect.no_sbp(alice, "sent", { op = "Handshake", session = 2 }, { during = "1m" })
