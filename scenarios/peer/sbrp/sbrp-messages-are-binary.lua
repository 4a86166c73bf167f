-- Every SBRP message is one binary WebSocket message (SBRP-WIRE-001), so
-- every SBP frame a peer sends over SBRP travels as one (SBRP-CRYPTO-025).
-- The simulator writes each connection's messages to the capture as the
-- relay sees them; tools/scenarios-test.sh opens this scenario's capture,
-- like every other one, with tshark and fails on any WebSocket frame that is
-- neither binary, a continuation of one, nor a close.
scenario {
  name = "sbrp: SBP over SBRP travels in binary WebSocket messages",
  requirements = { "SBRP-WIRE-001", "SBRP-CRYPTO-025" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
local bob = world:peer_server { name = "bob", via = daemon }
local alice = world:peer { name = "alice", via = client }
bob:handle("big", { echo = true })

alice:connect()
expect.peer_state(alice, "active")
local blob = string.rep("b", 3000)
local c = alice:call("big", blob)
local req = expect.sbp(alice, "sent", { type = "r", m = "big" })
-- one Data frame carries the whole SBP frame: its payload is the 12-byte
-- nonce (direction and sequence number), the ciphertext and the 16-byte tag
local data = expect.frame(client, "sent", { type = "Data", len = #req.bytes + 12 + 16 })
expect.frame(relay, "received", { type = "Data", bytes = sim.hex(data.bytes) })
local r = expect.rpc(alice, c)
expect.eq(r.result, blob, "the echo came back whole")
