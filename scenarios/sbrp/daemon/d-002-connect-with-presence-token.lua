-- SBRP-SM-D-002: a registered daemon opens one persistent WebSocket to the
-- relay with its presence token; the relay admits it at the upgrade and marks
-- it online. The connection outlives the token (1 h TTL): the relay never
-- closes an established connection because its token expired later, and a
-- client can still pair with the daemon two hours on.
scenario {
  name = "D-002: connect opens a persistent relay connection with the presence token",
  requirements = { "SBRP-RELAY-001", "SBRP-RELAY-030", "AUTH-042", "AUTH-025" },
  rows = { "SBRP-SM-D-002", "SBRP-SM-R-003", "SBRP-SM-R-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", connect = false }

daemon:connect()
expect.link(daemon, "connect")
expect.note(relay, "admission", { text = "daemon d_abc admitted" })
expect.link(relay, "upgrade", { code = 101 })
expect.transition(relay, "None>DaemonOnly@SBRP-SM-R-003")
expect.link(daemon, "open", { code = 101 })
expect.transition(daemon, "Registered>Connected@SBRP-SM-D-002", { machine = "daemon" })
expect.truthy(relay:daemon_online(daemon), "the relay marks the daemon online")
local conn = daemon.link

-- Two hours later, past the token's expiry: the same connection, still online.
world:advance("2h")
expect.eq(daemon.state, "Connected", "daemon state after 2 h")
expect.eq(daemon.link, conn, "the same relay connection")
expect.truthy(relay:daemon_online(daemon), "still online after 2 h")
local client = world:client { daemon = daemon }
client:connect()
expect.transition(relay, "DaemonOnly>Paired@SBRP-SM-R-004")
expect.state(client, "Active")
daemon:send(client, "still here")
expect.delivered(client, "still here")
