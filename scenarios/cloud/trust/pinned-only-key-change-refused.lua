-- Trust policy `pinned-only` with a pin that does not match the daemon's
-- key: identity_key_changed, fatal; the pin is not touched.
scenario {
  name = "pinned-only refuses a changed key",
  requirements = { "CLOUD-012", "SBRP-TOFU-004" },
  rows = { "SBRP-SM-C-006" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(58)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store,
                                trust = "pinned-only", pin = "wrong" }
  local old = client.pin
  client:connect()
  expect.note(client, "trust_decision", { text = "pinned-only, pin differs: refuse: identity_key_changed" })
  expect.state(client, "Closed")
  expect.eq(client.pin, old, store .. ": pin untouched")
  if store == "file" then expect.eq(cloud:pin_file(client), h.pin_file("d_abc", old), "file unchanged") end
  expect.api(client, "relay.createSession", { status = 200 })
  expect.no_api(client, nil, { during = "60s" })
end
