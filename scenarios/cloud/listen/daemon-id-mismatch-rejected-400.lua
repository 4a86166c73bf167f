-- listen() is given a daemonId, but the API key belongs to another daemon:
-- the presence token's `did` differs, so startup rejects with
-- CloudApiError(400) after the one call, without connecting or retrying.
scenario {
  name = "daemonId mismatch at startup is rejected with 400",
  requirements = { "CLOUD-061", "AUTH-061", "CLOUD-062" },
}

local world  = sim.world { seed = 41 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", daemon_id = "d_other" }

local ans = expect.api(daemon, "daemon.renewToken", { status = 200, http = 200, error = "CloudApiError(400)", verdict = "fatal" })
expect.truthy(ans.data.presenceToken, "the control plane did answer with a token")
expect.note(daemon, "listen_stopped", { text = "CloudApiError(400): listen() rejects" })
expect.eq(cloud:status(daemon).rejected, true, "listen() rejected")
expect.state(daemon, "Closed")
expect.no_api(daemon, nil, { during = "120s" })
expect.no_frame(daemon, "sent", {}, { during = "1s" })
expect.eq(relay:daemon_online("d_abc"), false, "never connected")
-- the same key with the right daemonId starts
local good = cloud:daemon { id = "d_good", daemon_id = "d_good" }
expect.state(good, "Connected")
