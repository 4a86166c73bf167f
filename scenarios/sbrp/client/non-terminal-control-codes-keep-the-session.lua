-- Non-terminal Control codes never end a client's session: rate_limited
-- (SID 0) changes nothing; session_ended (a daemon-only code), and
-- session_pending or session_resumed while Active have no effect in that
-- state. The client stays Active on the same WebSocket and Data keeps
-- flowing both ways with continuing counters.
scenario {
  name = "non-terminal Control codes keep the client's session",
  requirements = { "SBRP-CTRL-002", "SBRP-RELAY-040" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")
expect.transition(client, "Handshaking>Active")
local link = client.link

local wire = world:wire(relay, client)
for i, c in ipairs({ { "rate_limited", 0 }, { "session_ended", client }, { "session_pending", client },
                     { "session_resumed", client } }) do
  wire:inject(sim.frame { type = "Control", sid = c[2], control = c[1] })
  expect.control(client, c[1])
  expect.note(client, "control_received", { text = c[1] })
  expect.eq(client.state, "Active", c[1] .. ": still Active")
  client:send("m" .. i)
  expect.frame(client, "sent", { type = "Data", seq = i - 1 })
  expect.delivered(daemon, "m" .. i, { session = client })
end
expect.eq(client.link, link, "the same WebSocket")
daemon:send(client, "back")
expect.delivered(client, "back")
expect.no_frame(client, "sent", { type = "Control" }, { during = "0" })
