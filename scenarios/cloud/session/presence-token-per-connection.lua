-- A daemon running listen() fetches a presence token (daemon.renewToken)
-- before its first relay connection and a fresh one before every later
-- one; each connection's upgrade URL carries its own token. listen()
-- resolves once the first WebSocket is open.
scenario {
  name = "the listen loop renews the presence token for every connection",
  requirements = { "CLOUD-070", "CLOUD-061", "CLOUD-065", "AUTH-022" },
  rows = { "SBRP-SM-D-001", "SBRP-SM-D-002", "SBRP-SM-D-006" },
}

local world  = sim.world { seed = 22 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }

local first = expect.api(daemon, "daemon.renewToken", { status = 200 })
local open1 = expect.note(daemon, "listen_open")
expect.eq(open1.text, "wss://relay.sim.sbconf.invalid/?token=" .. first.data.presenceToken, "first upgrade URL")
expect.state(daemon, "Connected")
expect.eq(cloud:status(daemon).listen, "connected", "listen() resolved")
expect.eq(cloud:status(daemon).connections, 1, "one connection")

daemon:drop_connection()
local second = expect.api(daemon, "daemon.renewToken", { status = 200 })
expect.truthy(second.data.presenceToken ~= first.data.presenceToken, "a new presence token")
local open2 = expect.note(daemon, "listen_open")
expect.eq(open2.text, "wss://relay.sim.sbconf.invalid/?token=" .. second.data.presenceToken, "second upgrade URL")
expect.state(daemon, "Connected")
expect.eq(cloud:status(daemon).connections, 2, "two connections")
expect.no_api(daemon, "daemon.renewToken", { during = "30s" })
expect.state(daemon, "Connected")
