-- While paused (relay signal) a call follows onDisconnect: "fail" rejects
-- it not_connected at once; "pause" buffers it and sends it when
-- session_resumed makes the peer active again. A call sent before the pause
-- keeps waiting for its response meanwhile.
scenario {
  name = "RPC: calls while paused fail or wait per onDisconnect",
  requirements = { "PEER-BUF-001", "PEER-BUF-002", "RPC-SDK-006", "RPC-SDK-007" },
  rows = { "PEER-SM-T9", "PEER-SM-T10" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local c1 = world:client { daemon = daemon }
local c2 = world:client { daemon = daemon }
local bob = world:peer_server { name = "bob", via = daemon }
local failer = world:peer { name = "failer", via = c1 }
local pauser = world:peer { name = "pauser", via = c2, on_disconnect = "pause" }
bob:handle("echo", { echo = true })
bob:handle("slow", { result = "slow", delay = "3s" })
failer:connect()
pauser:connect()
expect.peer_state(failer, "active")
expect.peer_state(pauser, "active")
expect.peer_state(bob:accepted(1), "active") -- both Handshakes reached the daemon (errata E-SCEN-PEER-5)
expect.peer_state(bob:accepted(2), "active")
local early = pauser:call("slow")
expect.request(bob, "slow") -- it reached the daemon before the drop

daemon:drop_connection()
expect.peer_state(failer, "paused")
expect.peer_state(pauser, "paused")
local f = failer:call("echo", 1)
expect.rpc(failer, f, { err = "not_connected", elapsed = "0" })
local p = pauser:call("echo", 2)
expect.no_rpc(pauser, p, { during = "1s" })
daemon:reconnect()
local back = expect.transition(pauser, "paused>active@PEER-SM-T10")
local sent = expect.sbp(pauser, "sent", { m = "echo" })
expect.eq(sent.t, back.t, "flushed on session_resumed")
expect.rpc(pauser, p, { result = 2 })
expect.rpc(pauser, early, { result = "slow" })
