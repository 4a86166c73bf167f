-- Trust policy `prompt`, the daemon presents another key than the pinned
-- one: onIdentityMismatch shows both fingerprints; the user accepts, the
-- new key is pinned permanently, so the next connection asks nothing.
scenario {
  name = "prompt trust, key change accepted: re-pinned for good",
  requirements = { "CLOUD-012", "SBRP-TOFU-004", "SBRP-TOFU-007" },
  rows = { "SBRP-SM-C-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(55)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store,
                                trust = "prompt", pin = "wrong", accept_change = true }
  local old = cloud:fingerprint(client.pin)
  client:connect()
  expect.note(client, "prompt_identity_mismatch",
              { text = "expected " .. old .. ", received " .. cloud:fingerprint(daemon) .. ": accepted" })
  expect.note(client, "trust_decision", { text = "prompt, pin differs: re-pin" })
  expect.state(client, "Active")
  expect.note(client, "pin_written", { text = cloud:fingerprint(daemon) })
  if store == "file" then expect.eq(cloud:pin_file(client), h.pin_file("d_abc", client.pin), "new pin on file") end
  client:drop_connection()
  expect.note(client, "trust_decision", { text = "prompt, pin matches: continue" })
  expect.state(client, "Active")
  expect.no_note(client, "prompt_identity_mismatch", { during = "100ms" })
end
