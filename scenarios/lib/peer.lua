-- Helpers for the peer scenarios (scenarios/peer/): the two usual worlds
-- (two peers on a plain connection, two peers inside SBRP), and the
-- reconnection backoff formula of peer-runtime.md section 4 written out
-- again in Lua, independently of the C code under test.
local M = {}

local function merge(base, extra)
  local t = {}
  for k, v in pairs(base) do t[k] = v end
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

-- A peer server "bob" and a peer "alice" connected to it over a plain
-- simulated WebSocket (no relay, no SBRP). Options go to world:peer{} and
-- world:peer_server{}; `connect = false` leaves alice idle.
function M.plain(world, peer_opts, server_opts)
  local bob = world:peer_server(merge({ name = "bob" }, server_opts))
  local alice = world:peer(merge({ name = "alice", server = bob }, peer_opts))
  return alice, bob
end

-- The same two peers inside SBRP: a relay, a daemon "d_abc" carrying the
-- peer server, a client carrying alice. Returns alice, bob, client, daemon, relay.
function M.sbrp(world, peer_opts, server_opts, daemon_opts)
  local relay = world:relay {}
  local daemon = world:daemon(merge({ id = "d_abc" }, daemon_opts))
  local client = world:client { daemon = daemon }
  local bob = world:peer_server(merge({ name = "bob", via = daemon }, server_opts))
  local alice = world:peer(merge({ name = "alice", via = client }, peer_opts))
  return alice, bob, client, daemon, relay
end

-- Connect `peer` and wait until it is active (and, given the server, until
-- the server's newest accepted peer is active too: it sees the client's
-- Handshake one latency later).
function M.connect(peer, server)
  local ok, err, msg = peer:connect()
  expect.truthy(ok, "connect() accepted: " .. tostring(msg))
  expect.peer_state(peer, "active")
  if server then expect.peer_state(server:accepted(), "active") end
end

-- JavaScript's Math.round: halves go toward +infinity.
local function js_round(x)
  local f = math.floor(x)
  if x - f >= 0.5 then return f + 1 end
  return f
end

-- max(0, round(B + (2r - 1) * B * jitter)) in milliseconds: base B with
-- the jitter of the draw r in [0, 1).
function M.jittered_ms(base_ms, jitter, r)
  local d = js_round(base_ms + (r * 2 - 1) * base_ms * jitter)
  if d < 0 then d = 0 end
  return math.tointeger(d) or d
end

-- delay(k) with B = min(initial * 2^k, max), for retry number k (0 for the
-- first) and the draw r.
function M.backoff_ms(initial_ms, max_ms, jitter, k, r)
  return M.jittered_ms(math.min(initial_ms * 2 ^ k, max_ms), jitter, r)
end

return M
