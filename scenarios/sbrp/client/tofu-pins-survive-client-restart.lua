-- TOFU pins live in the client's local store, not in the process: after the
-- client process crashes and starts again (Idle, volatile state gone), it
-- still has the pin, and under `prompt` a new connection to the same daemon
-- asks the user nothing. A pin store that did not survive would prompt again.
scenario {
  name = "TOFU pins survive a client process restart",
  requirements = { "SBRP-TOFU-003", "SBRP-TOFU-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "prompt", accept_first = true,
                              accept_change = false, auto_reconnect = false }
client:connect()
expect.note(client, "tofu_first_use")
expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
local pin, sid = client.pin, client.session_id

client:crash()
expect.control(daemon, "session_ended", { sid = sid })     -- the relay saw the process die
client:restart()
expect.eq(client.state, "Idle", "a restarted client is Idle")
expect.eq(client.pin, pin, "the pin is still stored")

client:connect()
expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
expect.truthy(client.session_id ~= sid, "a new session (new sid)")
for _, what in ipairs({ "tofu_first_use", "tofu_repin_approved", "identity_key_changed",
                        "handshake_failed" }) do
  expect.no_note(client, what, { during = "0" })          -- no second prompt
end
expect.eq(client:send("after restart"), true, "the new session sends")
expect.delivered(daemon, "after restart", { session = client })
