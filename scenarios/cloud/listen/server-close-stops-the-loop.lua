-- server.close() ends the listen loop: the daemon shuts down (its sessions
-- are closed with reason shutdown), goes offline, and no presence token is
-- ever fetched again, even though nothing failed.
scenario {
  name = "server.close() stops the listen loop",
  requirements = { "CLOUD-074" },
  rows = { "SBRP-SM-D-011" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(75)
local client = cloud:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
expect.api(daemon, "daemon.renewToken", { status = 200 })

cloud:close(daemon)
expect.note(daemon, "listen_stopped", { text = "server.close()" })
expect.frame(daemon, "sent", { type = "Signal", signal = "close", reason = "shutdown" })
expect.state(daemon, "Closed")
expect.eq(cloud:status(daemon).listen, "stopped", "the loop is over")
expect.no_api(daemon, nil, { during = "120s" })
expect.eq(relay:daemon_online("d_abc"), false, "offline")
