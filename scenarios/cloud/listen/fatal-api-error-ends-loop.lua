-- Once running, a fatal API error while renewing the presence token (401:
-- the key was revoked) ends the loop for good: reported, the daemon stays
-- offline and never calls again.
scenario {
  name = "a fatal API error ends the running listen loop",
  requirements = { "CLOUD-072", "CLOUD-040" },
}

local world  = sim.world { seed = 48 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")

cloud:fault { procedure = "daemon.renewToken", status = 401 }
daemon:drop_connection()
expect.note(daemon, "listen_sleep")
expect.api(daemon, "daemon.renewToken", { status = 401, verdict = "fatal" })
expect.note(daemon, "listen_stopped", { text = "CloudApiError(401): reported, the loop ends" })
expect.eq(cloud:status(daemon).rejected, false, "listen() had resolved long ago")
expect.state(daemon, "Closed")
expect.no_api(daemon, nil, { during = "120s" })
expect.eq(relay:daemon_online("d_abc"), false, "offline for good")
