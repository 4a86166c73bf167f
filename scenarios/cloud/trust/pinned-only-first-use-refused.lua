-- Trust policy `pinned-only` with no pin for the daemon: every first
-- connection fails (handshake_failed, fatal), which is why it is never
-- the default without a pre-populated store.
scenario {
  name = "pinned-only refuses a first connection",
  requirements = { "CLOUD-030", "CLOUD-012" },
  rows = { "SBRP-SM-C-007" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(57)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store, trust = "pinned-only" }
  client:connect()
  expect.note(client, "trust_decision", { text = "pinned-only, no pin: refuse: handshake_failed" })
  expect.state(client, "Closed")
  expect.no_note(client, "prompt_first_connection", { during = "100ms" })
  expect.eq(cloud:status(client).pins, 0, store .. ": nothing pinned")
  expect.api(client, "relay.createSession", { status = 200 })
  expect.no_api(client, nil, { during = "60s" })
end
