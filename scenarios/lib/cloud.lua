-- Helpers for the scenarios of scenarios/cloud/ (require "cloud").
local M = {}

-- A world with a relay, the cloud control plane and daemon "d_abc" running
-- listen(), online. `daemon` options go to cloud:daemon.
function M.setup(seed, daemon)
  local world = sim.world { seed = seed }
  local relay = world:relay {}
  local cloud = world:cloud {}
  local opts = { id = "d_abc" }
  for _, k in ipairs { "quick_connect", "ping_interval" } do
    if daemon and daemon[k] ~= nil then opts[k] = daemon[k] end
  end
  local d = cloud:daemon(opts)
  expect.state(d, "Connected")
  return world, relay, cloud, d
end

-- The text of a pin file (ref/cloud/pins.h, "sbconf-pins 1") with one pin.
function M.pin_file(daemon_id, key_hex)
  return "sbconf-pins 1\n" .. daemon_id .. " " .. key_hex .. "\n"
end

-- The JOSE header of a compact JWT, decoded (base64url without padding).
local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
function M.jwt_header(token)
  local part = token:match("^([^.]+)%.")
  local bits, out = 0, {}
  local acc = 0
  for ch in part:gmatch(".") do
    acc = acc * 64 + (B64:find(ch, 1, true) - 1)
    bits = bits + 6
    if bits >= 8 then
      bits = bits - 8
      out[#out + 1] = string.char(acc // (1 << bits))
      acc = acc % (1 << bits)
    end
  end
  return table.concat(out)
end

return M
