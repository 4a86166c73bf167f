-- A terminal Control during an established session ends it and is
-- classified like any SbrpError: `unauthorized` is fatal, so the client
-- closes and never asks the control plane for another session.
scenario {
  name = "a fatal terminal Control during the session closes the client",
  requirements = { "CLOUD-043" },
}

local world  = sim.world { seed = 24 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
expect.api(client, "relay.createSession", { status = 200 })

world:wire(relay, client):inject(sim.frame { type = "Control", sid = client, control = "unauthorized" })
expect.control(client, "unauthorized")
expect.state(client, "Closed")
expect.no_api(client, "relay.createSession", { during = "60s" })
expect.eq(client:send("x"), false, "no session left to send on")
