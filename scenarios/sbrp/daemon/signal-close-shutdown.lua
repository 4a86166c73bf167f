-- Signal(close, shutdown), from an orderly shutdown (daemon:close()): the
-- client's session ends at once with exactly 04 00000002 <sid> 01 02 rather
-- than after a grace period. The client, told only session_expired, tries
-- what it does for every reason, a new session: the relay answers that the
-- daemon is offline (daemon_offline with the new sid, connection closed), and
-- the client retries with backoff (new sid each time) until it gives up.
scenario {
  name = "Signal(close, shutdown) on daemon close; the client finds the daemon offline",
  requirements = { "SBRP-SIG-001", "SBRP-SIG-003", "SBRP-SIG-006", "SBRP-RELAY-022",
                   "SBRP-RELAY-005", "SBRP-RES-001", "AUTH-053" },
  rows = { "SBRP-SM-D-011", "SBRP-SM-R-006", "SBRP-SM-C-009", "SBRP-SM-C-015",
           "SBRP-SM-C-005", "SBRP-SM-R-002" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true }
local client = world:client { daemon = daemon,
                              backoff = { initial = "1s", max = "30s", jitter = 0, attempts = 2 } }
local sid = d.active(client)

daemon:close()
d.expect_close_expires(relay, daemon, client, sid, "shutdown")

-- Each retry: a new sid, refused with daemon_offline for that sid (T).
for attempt = 1, 2 do
  expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015", { timeout = "10s" })
  local new = client.session_id
  expect.truthy(new ~= sid, "attempt " .. attempt .. " uses a new sid")
  expect.frame(client, "received", { bytes = d.control_hex("daemon_offline", new) })
  expect.transition(client, "Handshaking>Reconnecting@SBRP-SM-C-005")
  sid = new
end
expect.note(client, "reconnect_gave_up", { timeout = "10s" })
expect.state(client, "Closed")
