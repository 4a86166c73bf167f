-- tryCall never rejects: it reports ok and `reconnected`, true when the call
-- started while the peer was not active (here: buffered before connect()
-- under onDisconnect "pause") and false for a call started in active, for
-- successes and failures alike (the documents' reading, errata E-PEER-6).
scenario {
  name = "RPC: tryCall reports ok and reconnected",
  requirements = { "RPC-SDK-012", "RPC-SDK-001" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause" })
bob:handle("ping", { result = "pong" })

local early = alice:try_call("ping")
local early_fail = alice:try_call("missing")
P.connect(alice)
expect.rpc(alice, early, { result = "pong", try_ok = true, reconnected = true })
expect.rpc(alice, early_fail, { err = "rpc_error", try_ok = false, reconnected = true })
local now = alice:try_call("ping")
expect.rpc(alice, now, { result = "pong", try_ok = true, reconnected = false })
local fail_now = alice:try_call("missing")
expect.rpc(alice, fail_now, { wire = 1101, try_ok = false, reconnected = false })
