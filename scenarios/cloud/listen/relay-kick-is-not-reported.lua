-- The relay kicks a daemon that reads too slowly: Control(backpressure)
-- with SessionID 0, then it closes. The listen loop treats that as a kick:
-- it reconnects after the error backoff but does not report it; a network
-- failure afterwards is reported.
scenario {
  name = "a relay kick reconnects without a report, a network failure is reported",
  requirements = { "CLOUD-073", "CLOUD-082", "CLOUD-072" },
}

local world  = sim.world { seed = 49 }
local relay  = world:relay { backpressure = 64 }
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }
client:connect()
expect.state(client, "Active")

daemon:stall("down")
for i = 1, 4 do client:send(string.rep("x", 40)) end
expect.note(relay, "backpressure")
daemon:unstall("down")
expect.control(daemon, "backpressure", { sid = 0 })
local kick = expect.note(daemon, "listen_sleep")
expect.eq(kick.text:find("reported", 1, true), nil, "the kick is not reported")
expect.state(daemon, "Connected", { timeout = "5s" })

daemon:drop_connection()
expect.note(daemon, "listen_sleep", { text = "(reported)" })
expect.state(daemon, "Connected", { timeout = "5s" })
