-- RPC retries are a MAY (RPC-RTY-001): retry transport failures only, with
-- backoff. The Peer SDK offers no automatic RPC retry (RPC-SDK-009: a call
-- in flight fails when the session drops and is never replayed), so the
-- policy is the application's: an RpcError is final and never retried
-- (RPC-RTY-002), a transport failure surfaces as not_connected after which
-- the session comes back with the exponential, jittered backoff (1 s first)
-- and the application may call again, with a new cid.
scenario {
  name = "sdk: RPC retries are left to the application",
  requirements = { "RPC-RTY-001", "RPC-RTY-002", "RPC-SDK-009", "PEER-RETRY-002" },
  rows = { "PEER-SM-T6", "PEER-SM-T8" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = "on-error" })
bob:handle("fail", { error = "no stock", code = 2010 })
bob:handle("slow", { result = "late", delay = "1s" })
P.connect(alice, bob)

local a = alice:call("fail")
expect.rpc(alice, a, { err = "rpc_error", wire = 2010 })
expect.request(bob, "fail")
expect.no_request(bob, "fail", { during = "2s" })           -- an application error is final

local b = alice:call("slow")
expect.request(bob, "slow")
alice:drop_connection()
expect.rpc(alice, b, { err = "not_connected" })
local r = expect.retry(alice, { attempt = 1 })
expect.eq(r.delay_us, P.backoff_ms(1000, 30000, 0.2, 0, r.r) * 1000, "the first retry waits about 1 s")
expect.peer_state(alice, "active", { timeout = "5s" })
expect.no_request(bob, "slow", { during = "2s" })           -- nothing resent by the SDK
local again = alice:call("slow")
expect.request(bob, "slow")
expect.rpc(alice, again, { result = "late" })
