-- Trust policy `prompt` on first contact asks onFirstConnection with the
-- daemon's fingerprint (SHA256:XX:... upper-case); the user accepts, the
-- key is pinned and the session is Active.
scenario {
  name = "prompt trust, first use accepted: pinned",
  requirements = { "CLOUD-012", "SBRP-TOFU-007", "SBRP-TOFU-002" },
  rows = { "SBRP-SM-C-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(53)
local fp = cloud:fingerprint(daemon)
local pairs_left = (fp:sub(8) .. ":"):gsub("[0-9A-F][0-9A-F]:", "")
expect.truthy(#fp == 102 and fp:sub(1, 7) == "SHA256:" and pairs_left == "", "fingerprint format: " .. fp)

for _, store in ipairs { "memory", "file" } do
  local client = cloud:client { name = "client_" .. store, daemon = daemon, pins = store,
                                trust = "prompt", accept_first = true }
  client:connect()
  expect.note(client, "prompt_first_connection", { text = fp .. ": accepted" })
  expect.note(client, "trust_decision", { text = "prompt, no pin: pin" })
  expect.state(client, "Active")
  expect.note(client, "pin_written", { text = fp })
  expect.eq(cloud:status(client).pins, 1, store .. ": pinned")
end
