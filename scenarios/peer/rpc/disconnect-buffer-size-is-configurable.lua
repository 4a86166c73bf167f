-- rpcPolicy.disconnectBufferLimitBytes is configurable: with a 200-byte
-- buffer, two 69-byte calls ("get" + 2 bytes of params + 64) fit (138) and a
-- third (207) overflows.
scenario {
  name = "RPC: the disconnect buffer limit is configurable",
  requirements = { "PEER-BUF-002", "RPC-SDK-008" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause", buffer = 200 })

alice:call("get", 10, { tag = "a" })
alice:call("get", 11, { tag = "b" })
expect.eq(alice.queued_bytes, 138, "3 + 2 + 64, twice")
alice:call("get", 12, { tag = "c" })
expect.rpc(alice, "c", { err = "buffer_overflow" })
expect.no_rpc(alice, "a", { during = "1s" })
