-- Shared setup of the adversary scenarios (scenarios/sbrp/adversary/):
-- a relay, one daemon "d_abc" and one client with an Active session.
--
--   local adv = require "adversary"
--   local world, relay, daemon, client = adv.pair { client = { strict_direction = true } }
--   adv.send_all(client, daemon, 0, 127)   -- client sends "m0".."m127", the daemon got them all
local M = {}

-- `opts.world`, `opts.relay`, `opts.daemon`, `opts.client`: options of each
-- node (the daemon's `id` defaults to "d_abc", the client's `daemon` to it).
function M.pair(opts)
  opts = opts or {}
  local world = sim.world(opts.world or {})
  local relay = world:relay(opts.relay or {})
  local d = opts.daemon or {}
  d.id = d.id or "d_abc"
  local daemon = world:daemon(d)
  local c = opts.client or {}
  c.daemon = daemon
  local client = world:client(c)
  client:connect()
  expect.state(client, "Active")
  return world, relay, daemon, client
end

-- `client` sends "m<first>" .. "m<last>", one Data frame each; if `daemon`
-- is given, wait until it delivered every one of them, in order.
function M.send_all(client, daemon, first, last)
  for i = first, last do
    local ok, err = client:send("m" .. i)
    expect.truthy(ok, "client:send m" .. i .. " " .. tostring(err))
  end
  if daemon then
    for i = first, last do expect.delivered(daemon, "m" .. i, { session = client }) end
  end
end

-- The 8 bytes of a SessionID (a client's, or an integer), big-endian.
function M.sid_bytes(sid)
  if type(sid) ~= "number" then sid = sid.session_id end
  return string.pack(">i8", sid)
end

-- `frame` with its header SessionID (bytes 6..13) replaced by `sid`.
function M.readdress(frame, sid)
  return frame:sub(1, 5) .. M.sid_bytes(sid) .. frame:sub(14)
end

return M
