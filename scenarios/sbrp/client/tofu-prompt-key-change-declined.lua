-- TOFU, key mismatch under `prompt`, the user declines: the daemon
-- advertises a key other than the pinned one; the client shows both
-- fingerprints, the user refuses, and the handshake aborts with
-- identity_key_changed (C-006): the client closes its WebSocket (1008),
-- derives no keys, sends no Data, and keeps the old pin.
scenario {
  name = "TOFU prompt: key change declined aborts with identity_key_changed",
  requirements = { "SBRP-TOFU-004", "SBRP-TOFU-002", "SBRP-CRYPTO-009", "SBRP-RELAY-025" },
  rows = { "SBRP-SM-C-006" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
-- A client that has never seen the daemon tells us the fingerprint of its real key.
local fresh  = world:client { name = "fresh", daemon = daemon, trust = "auto" }
fresh:connect()
local real = expect.note(fresh, "tofu_first_use").text:match("SHA256:[%x:]+")

local client = world:client { daemon = daemon, trust = "prompt", pin = "wrong",
                              accept_change = false, auto_reconnect = false }
local old = client.pin
client:connect()
local n = expect.note(client, "identity_key_changed", { err = "SB_ERR_SBRP_IDENTITY_CHANGED" })
local pinned, received = n.text:match("^pinned (SHA256:[%x:]+), received (SHA256:[%x:]+)$")
expect.eq(received, real, "the note shows the received key's fingerprint")
expect.truthy(pinned and pinned ~= real, "and the stored pin's, which differs")
expect.transition(client, "Handshaking>Closed@SBRP-SM-C-006", { event = "identity_key_changed" })
expect.link(client, "close", { code = 1008 })
expect.eq(client.pin, old, "the pin is unchanged")
expect.eq(client:send("x"), false, "nothing can be sent")
expect.no_frame(client, "sent", { type = "Data" }, { during = "2s" })
-- The relay sees the client leave and tells the daemon, whose session had gone Active.
expect.control(daemon, "session_ended", { sid = client })
fresh:send("others unaffected")
expect.delivered(daemon, "others unaffected", { session = fresh })
