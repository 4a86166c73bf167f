-- The layer invariant end to end: every SBP frame alice emits reaches bob
-- byte for byte inside SBRP, and back (SBRP never parses or rewrites SBP);
-- the simulator checks every Data plaintext of every scenario this way.
scenario {
  name = "invariant: SBP frames cross SBRP byte for byte",
  requirements = { "SBP-SUBJ-009", "SBRP-CRYPTO-025" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.sbrp(world)
bob:handle("echo", { echo = true })
P.connect(alice, bob)
local acc = bob:accepted(1)
for i = 1, 5 do alice:call("echo", { i = i, pad = string.rep("z", i * 40) }, { tag = "c" .. i }) end
expect.rpc(alice, "c5", { result = { i = 5, pad = string.rep("z", 200) } })

for _ = 1, 6 do -- the Handshake, then five requests
  local sent = expect.sbp(alice, "sent", {})
  expect.eq(expect.sbp(acc, "received", {}).bytes, sent.bytes, "bob got alice's bytes")
end
for _ = 1, 6 do
  local sent = expect.sbp(acc, "sent", {})
  expect.eq(expect.sbp(alice, "received", {}).bytes, sent.bytes, "alice got bob's bytes")
end
expect.truthy(world:frames_checked() >= 12, "every plaintext compared by the simulator")
