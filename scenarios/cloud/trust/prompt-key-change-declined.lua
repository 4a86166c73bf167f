-- Trust policy `prompt`, key change, the user declines: the connection is
-- refused with identity_key_changed (fatal), the old pin stays, and no new
-- session is requested.
scenario {
  name = "prompt trust, key change declined: identity_key_changed, pin kept",
  requirements = { "CLOUD-012", "SBRP-TOFU-004" },
  rows = { "SBRP-SM-C-006" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(56)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store,
                                trust = "prompt", pin = "wrong", accept_change = false }
  local old = client.pin
  client:connect()
  expect.note(client, "prompt_identity_mismatch", { text = "received " .. cloud:fingerprint(daemon) .. ": declined" })
  expect.note(client, "trust_decision", { text = "refuse: identity_key_changed", err = "SB_ERR_SBRP_IDENTITY_CHANGED" })
  expect.note(client, "identity_key_changed", { machine = "client" })
  expect.state(client, "Closed")
  expect.eq(client.pin, old, store .. ": the old pin is kept")
  if store == "file" then expect.eq(cloud:pin_file(client), h.pin_file("d_abc", old), "file unchanged") end
  expect.api(client, "relay.createSession", { status = 200 })
  expect.no_api(client, nil, { during = "60s" })
end
