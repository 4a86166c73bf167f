-- Trust policy `pinned-only` with the daemon's key already in the store
-- (written by the user into the pin file, or pinned earlier): the key
-- matches and the client connects without writing anything.
scenario {
  name = "pinned-only connects when the pin matches",
  requirements = { "CLOUD-030", "CLOUD-090", "SBRP-TOFU-001" },
  rows = { "SBRP-SM-C-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(59)

local probe = cloud:client { name = "probe", daemon = daemon }  -- learns the key's hex
probe:connect()
expect.state(probe, "Active")
local key = probe.pin

local client = cloud:client { daemon = daemon, pins = "file", trust = "pinned-only" }
cloud:set_pin_file(client, h.pin_file("d_abc", key))
client:connect()
expect.note(client, "trust_decision", { text = "pinned-only, pin matches: continue" })
expect.state(client, "Active")
expect.no_note(client, "pin_written", { during = "100ms" })
expect.eq(cloud:pin_file(client), h.pin_file("d_abc", key), "the file is as the user wrote it")
