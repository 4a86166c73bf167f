-- The disconnect buffer holds 64 KiB by default, counted as upstream
-- estimates a call: len(method) + len(JSON(params)) + 64. With 1000 x's as
-- params a "put" call counts 3 + 1002 + 64 = 1069 bytes: 61 fit (65209);
-- the 62nd would exceed 65536 and rejects buffer_overflow at once, while a
-- 65-byte call still fits.
scenario {
  name = "RPC: the 64 KiB disconnect buffer overflows with buffer_overflow",
  requirements = { "PEER-BUF-002", "RPC-SDK-007", "RPC-SDK-008", "RPC-SDK-001" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause" })
local x = string.rep("x", 1000)

for i = 1, 61 do alice:call("put", x, { tag = "put" .. i }) end
expect.eq(alice.queued, 61, "61 calls buffered")
expect.eq(alice.queued_bytes, 61 * 1069, "estimated bytes")
alice:call("put", x, { tag = "over" })
expect.rpc(alice, "over", { err = "buffer_overflow", elapsed = "0" })
expect.eq(alice.queued, 61, "the overflowing call is not buffered")
alice:call("m", nil, { tag = "small" })
expect.eq(alice.queued_bytes, 65536 - 327 + 65, "a 65-byte call still fits")
expect.no_rpc(alice, "small", { during = "1s" })
