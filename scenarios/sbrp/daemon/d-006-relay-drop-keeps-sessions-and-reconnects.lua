-- SBRP-SM-D-006: the relay connection of a resumable daemon drops. Its Active
-- sessions go to Reconnecting (kept, keys and counters intact, nothing sent),
-- and the daemon reconnects on its own after its backoff (1 s, +-10 %) with a
-- renewed presence token on a new connection, then resumes (D-007, D-009).
scenario {
  name = "D-006: a dropped relay connection keeps the sessions and reconnects",
  requirements = { "SBRP-RES-002", "SBRP-RES-004", "SBRP-RELAY-024" },
  rows = { "SBRP-SM-D-006", "SBRP-SM-D-007", "SBRP-SM-D-009", "SBRP-SM-R-005" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true }   -- auto_reconnect on
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
expect.link(daemon, "open")                  -- the first connection
local first = daemon.link

daemon:drop_connection()
local drop = expect.transition(daemon, "Connected>Reconnecting@SBRP-SM-D-006", { machine = "daemon" })
expect.transition(daemon, "Active>Reconnecting@SBRP-SM-D-006", { session = client })
expect.eq(daemon:session_state(client), "Reconnecting", "the session is kept")
expect.eq(daemon.sessions, 1, "sessions held while away")
expect.control(client, "session_paused", { sid = client })

-- The reconnect: a new connection after the backoff delay, admitted again.
local again = expect.link(daemon, "connect", { timeout = "2s" })
expect.truthy(again.t - drop.t >= sim.duration("900ms") and again.t - drop.t <= sim.duration("1100ms"),
              "reconnects after the 1 s backoff (+-10 %)")
expect.truthy(daemon.link ~= first, "on a new connection")
expect.note(relay, "admission", { text = "daemon d_abc admitted (resumable)" })
expect.note(relay, "admission", { text = "daemon d_abc admitted (resumable)" })
expect.transition(daemon, "Reconnecting>Connected@SBRP-SM-D-007", { machine = "daemon" })
expect.control(client, "session_resumed", { sid = client })
client:send("after the drop")
expect.delivered(daemon, "after the drop", { session = client })
