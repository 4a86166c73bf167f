-- Helpers for the daemon and resumption scenarios (scenarios/sbrp/daemon/):
-- the exact bytes of Signal and Control frames, spelled out here rather than
-- built by the encoder under test; what a Signal(close) does to a paired
-- client; a persisting daemon crashed with its records on disk.
local M = {}

M.signals = { ready = 0x00, close = 0x01 }
M.reasons = { none = 0x00, state_lost = 0x01, shutdown = 0x02, policy = 0x03, error = 0x04 }

-- A SessionID as 16 hex digits: a client (its current sid) or an integer.
function M.sid_hex(sid)
  if type(sid) ~= "number" then sid = sid.session_id end
  return string.format("%016x", sid)
end

-- The hex of Signal(signal, reason) for SessionID `sid`:
-- 04 | 00000002 | sid | signal | reason (sbrp.md 4.4, SBRP-SIG-001).
function M.signal_hex(signal, reason, sid)
  local s = assert(M.signals[signal], "unknown signal " .. tostring(signal))
  local r = assert(M.reasons[reason], "unknown reason " .. tostring(reason))
  return "0400000002" .. M.sid_hex(sid) .. string.format("%02x%02x", s, r)
end

-- The hex of Control(name) with SessionID `sid`, no text (sbrp.md 4.6):
-- only the session-state codes a daemon scenario meets.
local controls = { session_expired = 0x0302, daemon_offline = 0x0202, session_paused = 0x1001,
                   session_resumed = 0x1002, session_ended = 0x1003, session_pending = 0x1004 }
function M.control_hex(name, sid)
  return "2000000002" .. M.sid_hex(sid) .. string.format("%04x", assert(controls[name], name))
end

-- The daemon ended session `sid` of a paired `client` with Signal(close,
-- reason): the exact frame leaves the daemon and reaches the relay, which
-- consumes it (R-006), sends the client exactly Control(session_expired, sid)
-- and closes its connection (terminal); the client goes Reconnecting (C-009)
-- for a full new handshake. Call it before any expectation on the relay's
-- sent frames: it also checks the relay never sent a Signal.
function M.expect_close_expires(relay, daemon, client, sid, reason)
  local sig = M.signal_hex("close", reason, sid)
  expect.frame(daemon, "sent", { bytes = sig })
  expect.frame(relay, "received", { bytes = sig })
  expect.transition(relay, "Paired>Closed@SBRP-SM-R-006", { session = sid })
  expect.frame(relay, "sent", { bytes = M.control_hex("session_expired", sid) })
  expect.frame(client, "received", { bytes = M.control_hex("session_expired", sid) })
  expect.link(client, "closed")
  expect.transition(client, "Active>Reconnecting@SBRP-SM-C-009")
  expect.no_frame(relay, "sent", { type = "Signal" }, { during = "0" })
  expect.eq(relay:session_state(sid), "Closed", "the relay dropped the pairing")
end

-- The client's automatic reconnect after an expired session: a new token with
-- a new sid, a new handshake with new keys on the daemon, traffic again.
function M.expect_new_session(daemon, client, old_sid)
  expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015", { timeout = "5s" })
  expect.state(client, "Active")
  expect.truthy(client.session_id ~= old_sid, "the reconnect uses a new sid")
  expect.keys(daemon, { session = client })
  client:send("new session")
  expect.delivered(daemon, "new session", { session = client })
end

-- A persisting daemon with one Active session per name in `names` (default
-- {"client"}), each having carried traffic (the client sent seq 0..2, the
-- daemon seq 0), then crashed: the stored records (layout in
-- ref/sbrp/session.h) are ready to be corrupted before the restart.
-- Returns world, relay, daemon and the clients in order.
function M.crashed_with_records(names)
  local world  = sim.world {}
  local relay  = world:relay {}
  local daemon = world:daemon { id = "d_abc", resumable = true, persist = true }
  local clients = {}
  for i, name in ipairs(names or { "client" }) do
    local c = world:client { name = name, daemon = daemon, auto_reconnect = false }
    M.active(c)
    for k = 0, 2 do c:send("c" .. k) end
    daemon:send(c, "d0")
    expect.delivered(daemon, "c2", { session = c })
    expect.delivered(c, "d0")
    clients[i] = c
  end
  daemon:crash()
  return world, relay, daemon, table.unpack(clients)
end

-- The restarted daemon's check refused the stored record of `sid`: a note,
-- D-010 and exactly Signal(close, state_lost), never Signal(ready); the relay
-- expires the pending client with its SessionID (R-012).
function M.expect_record_refused(relay, daemon, client, sid)
  expect.note(daemon, "state_lost", { session = sid, text = "fails the integrity check" })
  expect.transition(daemon, "Connected>Connected@SBRP-SM-D-010", { session = sid })
  expect.frame(daemon, "sent", { bytes = M.signal_hex("close", "state_lost", sid) })
  expect.transition(relay, "Pending>Closed@SBRP-SM-R-012", { session = sid })
  expect.frame(client, "received", { bytes = M.control_hex("session_expired", sid) })
  expect.transition(client, "Pending>Reconnecting@SBRP-SM-C-014")
  expect.no_frame(daemon, "sent", { signal = "ready", sid = sid }, { during = "1s" })
  expect.eq(daemon:session_state(sid), "Idle (session)", "the session is not resumed")
end

-- Connect `client` and wait until it is Active; returns its SessionID.
function M.active(client)
  client:connect()
  expect.state(client, "Active")
  return client.session_id
end

return M
