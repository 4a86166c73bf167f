-- Simulator self-check: every token fault of the control plane reaches the
-- relay's admission (HTTP 401) or is refused by the client SDK before it
-- connects (AUTH-060); a reused sid gets 409; an unknown daemon gives
-- daemon_offline. One scenario per step belongs in scenarios/sbrp/; this one
-- keeps the whole fault table of scenarios/README.md working.
scenario {
  name = "sim: every token fault reaches the relay or the client SDK",
  requirements = { "AUTH-V01", "AUTH-V02", "AUTH-V03", "AUTH-V04", "AUTH-V05", "AUTH-V06", "AUTH-V07",
                   "AUTH-V08", "AUTH-V09", "AUTH-V10", "AUTH-V11", "AUTH-V12", "AUTH-V13", "AUTH-V14",
                   "AUTH-V15", "AUTH-V16", "AUTH-060", "SBRP-RELAY-005" },
  rows = { "SBRP-SM-C-003", "SBRP-SM-C-005", "SBRP-SM-R-002" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
for _, f in ipairs { "too_long", "bad_typ", "no_kid", "bad_alg", "unknown_kid", "bad_signature", "wrong_aud",
                     "wrong_iss", "no_exp", "expired", "bad_ver", "bad_role", "no_did", "no_sub",
                     "wrong_region", "long_ttl", "bad_scp", "bad_lim" } do
  local c = world:client { name = "c_" .. f, daemon = daemon }
  c:connect { token = f }
  expect.link(c, "refused", { code = 401 })
  expect.state(c, "Closed")
end
for _, f in ipairs { "empty", "two_parts", "no_sid", "zero_sid" } do
  local c = world:client { name = "c_" .. f, daemon = daemon }
  local ok, err = c:connect { token = f }
  expect.eq(ok, false, f)
  expect.state(c, "Closed")
end
-- sid reuse
local a = world:client { name = "a", daemon = daemon }
a:connect()
expect.state(a, "Active")
local b = world:client { name = "b", daemon = daemon }
b:connect { sid = a }
expect.link(b, "refused", { code = 409 })
-- daemon offline
local c = world:client { name = "lost", daemon = "d_nobody", auto_reconnect = false }
c:connect()
expect.control(c, "daemon_offline")
expect.state(c, "Reconnecting")
