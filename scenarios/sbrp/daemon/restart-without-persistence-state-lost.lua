-- A resumable daemon that does not persist session state restarts (crash,
-- then start again at once). Its disk holds only each session's SessionID (8
-- bytes), so after reconnecting it answers every one of its three sessions
-- with Signal(close, state_lost), SessionID by SessionID; the relay expires
-- each pending client with its own SessionID. No session is resumed.
scenario {
  name = "restart without persisted state: state_lost for every session",
  requirements = { "SBRP-RES-005", "SBRP-SIG-003", "SBRP-RES-004", "SBRP-RELAY-022",
                   "SBRP-CTRL-003" },
  rows = { "SBRP-SM-D-010", "SBRP-SM-R-008", "SBRP-SM-R-012", "SBRP-SM-C-014" },
}
local d = require "daemon"

local world   = sim.world {}
local relay   = world:relay {}
local daemon  = world:daemon { id = "d_abc", resumable = true, persist = false }
local clients = {}
for i, name in ipairs { "a", "b", "c" } do
  clients[i] = world:client { name = name, daemon = daemon, auto_reconnect = false }
  d.active(clients[i])
end
expect.eq(daemon.disk, 3, "one SessionID record per session")

daemon:restart()
for _, c in ipairs(clients) do
  local sid = c.session_id
  expect.transition(daemon, "Connected>Connected@SBRP-SM-D-010", { session = sid })
  expect.frame(daemon, "sent", { bytes = d.signal_hex("close", "state_lost", sid) })
  expect.note(daemon, "state_lost", { session = sid, text = "only the SessionID" })
  expect.transition(relay, "Pending>Closed@SBRP-SM-R-012", { session = sid })
  expect.frame(c, "received", { bytes = d.control_hex("session_expired", sid) })
  expect.transition(c, "Pending>Reconnecting@SBRP-SM-C-014")
end
expect.no_frame(daemon, "sent", { signal = "ready" }, { during = "1s" })
expect.eq(daemon.sessions, 0, "nothing kept")
expect.eq(daemon.disk, 0, "records deleted")
