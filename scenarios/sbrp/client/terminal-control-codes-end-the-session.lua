-- Every terminal Control code ends an Active client's session at once: the
-- relay closes the WebSocket after it (T), so the client leaves the
-- connection without closing it itself and stops sending. Retryable codes
-- (daemon_offline, session_expired, internal_error, backpressure) lead to
-- Reconnecting, fatal ones to Closed, as the SDK column of sbrp.md 7 says.
-- The frames are injected on the relay->client wire with their SID scope.
scenario {
  name = "terminal Control codes end the client's session",
  requirements = { "SBRP-CTRL-002", "SBRP-CTRL-003", "SBRP-WIRE-015" },
  rows = { "SBRP-SM-C-009" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local S = true   -- session-scoped code: SID = the session's; else SID 0
local codes = {
  { "unauthorized", 0, "Closed" },       { "forbidden", 0, "Closed" },
  { "daemon_not_found", S, "Closed" },   { "daemon_offline", S, "Reconnecting" },
  { "session_not_found", S, "Closed" },  { "session_expired", S, "Reconnecting" },
  { "malformed_frame", 0, "Closed" },    { "payload_too_large", 0, "Closed" },
  { "invalid_frame_type", 0, "Closed" }, { "invalid_session_id", 0, "Closed" },
  { "disallowed_sender", S, "Closed" },  { "internal_error", 0, "Reconnecting" },
  { "backpressure", 0, "Reconnecting" },
}
for _, c in ipairs(codes) do
  local name, scope, want = c[1], c[2], c[3]
  local client = world:client { name = name, daemon = daemon, auto_reconnect = false }
  client:connect()
  expect.state(client, "Active")
  local sid = scope == S and client.session_id or 0
  world:wire(relay, client):inject(sim.frame { type = "Control", sid = sid, control = name })
  local f = expect.control(client, name, { sid = sid })
  expect.note(client, "control_received", { text = name })
  local tr = expect.transition(client, "Active>" .. want)
  expect.eq(tr.t, f.t, name .. ": the session ends on receipt")
  local ok, err = client:send("after " .. name)
  expect.eq(err, "SB_ERR_STATE", name .. ": no more sends")
  expect.no_frame(client, "sent", { type = "Data" }, { during = "0" })
end
-- The daemon itself never noticed anything and still serves new sessions.
local last = world:client { name = "last", daemon = daemon }
last:connect()
expect.state(last, "Active")
last:send("fine")
expect.delivered(daemon, "fine", { session = last })
