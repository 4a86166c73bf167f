-- An API key the control plane does not know: daemon.renewToken answers
-- CloudApiError(401). A fatal error at startup rejects listen() at once,
-- after exactly one call.
scenario {
  name = "a fatal API error at startup rejects listen() after one call",
  requirements = { "CLOUD-062", "CLOUD-040" },
}

local world  = sim.world { seed = 42 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", api_key = "sbnd_dak_revoked" }

expect.api(daemon, "daemon.renewToken", { status = 401, verdict = "fatal" })
expect.note(daemon, "listen_stopped", { text = "CloudApiError(401): listen() rejects" })
expect.state(daemon, "Closed")
expect.no_api(daemon, nil, { during = "120s" })
expect.eq(cloud:status(daemon).rejected, true, "rejected")
