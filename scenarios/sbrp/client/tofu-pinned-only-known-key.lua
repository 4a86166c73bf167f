-- TOFU under `pinned-only` with the daemon's real key pinned in advance
-- (out of band): the advertised key matches, the signature verifies with the
-- pin, the session is Active without any trust decision.
scenario {
  name = "TOFU pinned-only: the pinned key is accepted silently",
  requirements = { "SBRP-CRYPTO-004" },
  rows = { "SBRP-SM-C-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "pinned-only", pin = "daemon",
                              auto_reconnect = false }
local pin = client.pin
client:connect()
local accept = expect.frame(client, "received", { type = "HandshakeAccept" })
expect.eq(sim.hex(accept.payload:sub(1, 32)), pin, "the advertised key is the pinned one")
expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
for _, what in ipairs({ "tofu_first_use", "tofu_repin_auto", "tofu_repin_approved",
                        "identity_key_changed", "handshake_failed" }) do
  expect.no_note(client, what, { during = "0" })
end
expect.eq(client.pin, pin, "pin unchanged")
daemon:send(client, "ok")
expect.delivered(client, "ok")
