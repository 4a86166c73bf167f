-- Trust policy `auto` (the cloud default) on first contact: no pin yet, so
-- the client pins the daemon's identity key silently (no prompt) once the
-- handshake has succeeded; with a file-backed store the pin is written to
-- the pin file.
scenario {
  name = "auto trust pins silently on first use (memory and file store)",
  requirements = { "CLOUD-012", "CLOUD-030", "SBRP-TOFU-001", "SBRP-TOFU-002", "CLOUD-090" },
  rows = { "SBRP-SM-C-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(51)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store }
  expect.eq(cloud:status(client).pins, 0, store .. ": empty store")
  client:connect()
  expect.note(client, "trust_decision", { text = "auto, no pin: pin" })
  expect.state(client, "Active")
  expect.note(client, "pin_written", { text = "d_abc " .. cloud:fingerprint(daemon) .. " (" .. store .. ")" })
  expect.no_note(client, "prompt_first_connection", { during = "100ms" })
  expect.eq(cloud:status(client).pins, 1, store .. ": one pin")
  if store == "file" then
    expect.eq(cloud:pin_file(client), h.pin_file("d_abc", client.pin), "the pin file")
  else
    expect.eq(cloud:pin_file(client), nil, "no file for a memory store")
  end
end
