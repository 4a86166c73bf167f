-- SBRP-SM-R-003: a daemon connects with a valid presence token. The relay
-- accepts the upgrade, marks the daemon online and creates its DaemonOnly
-- presence record (reported with SessionID 0), before any client exists.
scenario {
  name = "R-003: a daemon connects: None -> DaemonOnly, online",
  requirements = { "SBRP-RELAY-001", "SBRP-RELAY-002" },
  rows = { "SBRP-SM-R-003" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", connect = false }
expect.eq(relay:daemon_online(daemon), false, "offline before it connects")

daemon:connect()
expect.link(relay, "upgrade", { code = 101 })
expect.note(relay, "admission", { text = "daemon d_abc admitted" })
local tr = expect.transition(relay, "None>DaemonOnly@SBRP-SM-R-003")
expect.eq(tr.sid, nil, "the presence record has no SessionID yet")
expect.state(daemon, "Connected")
expect.eq(relay:daemon_online(daemon), true, "online once connected")
