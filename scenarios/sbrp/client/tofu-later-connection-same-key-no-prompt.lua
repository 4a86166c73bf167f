-- TOFU, a later connection to the same daemon under `prompt`: the first
-- handshake asked the user (first use, accepted) and pinned the key; the
-- next one (a reconnect with a new token) advertises the same key, which
-- matches the pin: no question to the user, no re-pin, the session is Active.
scenario {
  name = "TOFU prompt: a later connection with the pinned key asks nothing",
  requirements = { "SBRP-TOFU-001", "SBRP-CRYPTO-004" },
  rows = { "SBRP-SM-C-004", "SBRP-SM-C-015" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "prompt", accept_first = true,
                              accept_change = false, auto_reconnect = false }
client:connect()
expect.note(client, "tofu_first_use")                 -- the user was asked once
expect.state(client, "Active")
local pin = client.pin
expect.truthy(pin, "pinned after the first handshake")

client:drop_connection()
expect.state(client, "Reconnecting")
client:reconnect()
local accept = expect.frame(client, "received", { type = "HandshakeAccept", sid = client })
expect.eq(sim.hex(accept.payload:sub(1, 32)), pin, "the daemon advertises the pinned key")
expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015")
expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
for _, what in ipairs({ "tofu_first_use", "tofu_repin_approved", "tofu_repin_auto",
                        "identity_key_changed", "handshake_failed" }) do
  expect.no_note(client, what, { during = "0" })      -- the user was not asked again
end
expect.eq(client.pin, pin, "pin unchanged")
client:send("second session")
expect.delivered(daemon, "second session", { session = client })
