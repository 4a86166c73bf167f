-- Trust policy `prompt`, first contact, the user declines: the handshake
-- fails (handshake_failed, fatal), nothing is pinned, and the client does
-- not ask for another session.
scenario {
  name = "prompt trust, first use declined: handshake_failed, nothing pinned",
  requirements = { "CLOUD-012", "SBRP-TOFU-002" },
  rows = { "SBRP-SM-C-007" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(54)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store,
                                trust = "prompt", accept_first = false }
  client:connect()
  expect.note(client, "prompt_first_connection", { text = cloud:fingerprint(daemon) .. ": declined" })
  expect.note(client, "trust_decision", { text = "prompt, no pin: refuse: handshake_failed", err = "SB_ERR_SBRP_HANDSHAKE_FAILED" })
  expect.note(client, "handshake_failed", { machine = "client" })
  expect.state(client, "Closed")
  expect.no_note(client, "pin_written", { during = "100ms" })
  expect.eq(cloud:status(client).pins, 0, store .. ": nothing pinned")
  expect.eq(cloud:pin_file(client), nil, store .. ": no pin file")
  expect.api(client, "relay.createSession", { status = 200 })
  expect.no_api(client, nil, { during = "60s" })
end
