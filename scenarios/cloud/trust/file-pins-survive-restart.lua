-- Pins in a file-backed store survive a client restart: after a crash the
-- restarted client finds the pin and continues without pinning again. The
-- in-memory store loses its pins with the process, so the same sequence
-- is a first use again.
scenario {
  name = "file-backed pins survive a restart, memory pins do not",
  requirements = { "SBRP-TOFU-003", "CLOUD-091", "CLOUD-090" },
  rows = { "SBRP-SM-C-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(61)

local function restart_and_reconnect(client)
  client:crash()
  client:restart()
  expect.state(client, "Idle")
  client:connect()
end

local file = cloud:client { name = "file", daemon = daemon, pins = "file" }
file:connect()
expect.note(file, "pin_written", { text = "(file)" })
local text = cloud:pin_file(file)
restart_and_reconnect(file)
expect.note(file, "trust_decision", { text = "auto, pin matches: continue" })
expect.state(file, "Active")
expect.no_note(file, "pin_written", { during = "100ms" })
expect.eq(cloud:pin_file(file), text, "the file is unchanged")

local mem = cloud:client { name = "mem", daemon = daemon, pins = "memory" }
mem:connect()
expect.note(mem, "pin_written", { text = "(memory)" })
restart_and_reconnect(mem)
expect.note(mem, "trust_decision", { text = "auto, no pin: pin" })
expect.state(mem, "Active")
