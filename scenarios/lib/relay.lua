-- Helpers for the relay scenarios (scenarios/sbrp/relay/): a paired world,
-- the exact bytes of a relay Control frame, and "the relay refused this
-- node's message with Control(code, sid) and closed it with ws_code".
local M = {}

-- Control codes (sbrp.md 7), so a scenario can spell the exact frame.
M.codes = {
  unauthorized = 0x0101, forbidden = 0x0102, daemon_not_found = 0x0201, daemon_offline = 0x0202,
  session_not_found = 0x0301, session_expired = 0x0302, malformed_frame = 0x0401,
  payload_too_large = 0x0402, invalid_frame_type = 0x0403, invalid_session_id = 0x0404,
  disallowed_sender = 0x0405, internal_error = 0x0601, rate_limited = 0x0901, backpressure = 0x0902,
  session_paused = 0x1001, session_resumed = 0x1002, session_ended = 0x1003, session_pending = 0x1004,
}

-- A SessionID as 16 hex digits: a client (its current sid) or an integer.
function M.sid_hex(sid)
  if type(sid) ~= "number" then sid = sid.session_id end
  return string.format("%016x", sid)
end

-- The hex of Control(name) with SessionID `sid` and no text:
-- 20 | 00000002 | sid | code (sbrp.md 4.6).
function M.control_hex(name, sid)
  local code = assert(M.codes[name], "unknown control code " .. tostring(name))
  return "2000000002" .. M.sid_hex(sid) .. string.format("%04x", code)
end

-- One relay, daemon "d_abc" and one Active client (no automatic
-- reconnection, so a closed client stays closed). Options go to the relay,
-- daemon and client constructors.
function M.paired(o)
  o = o or {}
  local world = sim.world(o.world or {})
  local relay = world:relay(o.relay or {})
  local dopts = o.daemon or {}
  dopts.id = dopts.id or "d_abc"
  local daemon = world:daemon(dopts)
  local copts = o.client or {}
  copts.daemon = copts.daemon or daemon
  if copts.auto_reconnect == nil then copts.auto_reconnect = false end
  local client = world:client(copts)
  client:connect()
  expect.state(client, "Active")
  return world, relay, daemon, client
end

-- The relay answered `node`'s last message with exactly Control(name, sid)
-- (no text) and, the code being terminal, closed the connection with
-- `ws_code` (SBRP-CTRL-002/003); returns the Control record.
function M.expect_refused(relay, node, name, sid, ws_code)
  local bytes = M.control_hex(name, sid)
  expect.frame(relay, "sent", { bytes = bytes })
  local got = expect.frame(node, "received", { bytes = bytes })
  expect.link(relay, "close", { code = ws_code })
  expect.link(node, "closed", { code = ws_code })
  return got
end

return M
