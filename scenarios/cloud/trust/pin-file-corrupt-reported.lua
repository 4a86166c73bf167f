-- A pin file that does not parse (here a key that is not hex) is reported
-- when the restarted client reads it; the client does not connect without
-- its pins (no API call, Closed) instead of falling back to a first use,
-- and the simulator goes on. Repaired, the file works again.
scenario {
  name = "a corrupt pin file is reported, not crashed on",
  requirements = { "CLOUD-090", "SBRP-TOFU-003" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(62)

local client = cloud:client { daemon = daemon, pins = "file", trust = "pinned-only", pin = "daemon" }
local good = cloud:pin_file(client)
client:connect()
expect.state(client, "Active")
client:close()

cloud:set_pin_file(client, "sbconf-pins 1\nd_abc not-a-key\n")
client:crash()
client:restart()
client:connect()
expect.note(client, "pin_file_corrupt", { err = "SB_ERR_CLOUD_PIN_TEXT", text = "line 2" })
expect.state(client, "Closed")
expect.api(client, "relay.createSession", { status = 200 })  -- the first, healthy attempt
expect.no_api(client, nil, { during = "30s" })

cloud:set_pin_file(client, good)
client:restart()
client:connect()
expect.note(client, "trust_decision", { text = "pinned-only, pin matches: continue" })
expect.state(client, "Active")
