-- Trust policy `auto` when the daemon presents a key other than the pinned
-- one: "trust on first registration" re-pins silently and connects (no
-- prompt); the store now holds the new key.
scenario {
  name = "auto trust re-pins silently on a key change (memory and file store)",
  requirements = { "CLOUD-012", "CLOUD-032", "SBRP-TOFU-001" },
  rows = { "SBRP-SM-C-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(52)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store, pin = "wrong" }
  local old = client.pin
  if store == "file" then expect.eq(cloud:pin_file(client), h.pin_file("d_abc", old), "the old pin on file") end
  client:connect()
  expect.note(client, "trust_decision", { text = "auto, pin differs: re-pin" })
  expect.state(client, "Active")
  expect.note(client, "pin_written", { text = cloud:fingerprint(daemon) })
  expect.no_note(client, "prompt_identity_mismatch", { during = "100ms" })
  expect.truthy(client.pin ~= old, store .. ": the pin changed")
  if store == "file" then expect.eq(cloud:pin_file(client), h.pin_file("d_abc", client.pin), "the new pin on file") end
end
