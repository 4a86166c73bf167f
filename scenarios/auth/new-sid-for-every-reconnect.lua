-- Clients never resume: each reconnect fetches a new session token with a
-- new sid, and the frames of the new connection carry the new SessionID
-- (AUTH-053, SBRP-RES-001, SBRP-WIRE-016). Here the client's connection is
-- dropped twice; each time it comes back under a different sid, with fresh
-- keys (its first Data frame is seq 0 again), and the old sessions are Closed
-- at the relay.
scenario {
  name = "every client reconnect uses a new token and a new sid",
  requirements = { "AUTH-053", "SBRP-RES-001", "SBRP-WIRE-016", "AUTH-012", "SBRP-CRYPTO-030" },
  rows = { "SBRP-SM-C-010", "SBRP-SM-C-015", "SBRP-SM-R-015" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")

local seen = { client.session_id }
for round = 1, 2 do
  client:send("before drop " .. round)
  expect.delivered(daemon, "before drop " .. round, { session = client })
  client:drop_connection()
  expect.transition(client, "Active>Reconnecting@SBRP-SM-C-010")
  expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015", { timeout = "5s" })
  expect.state(client, "Active")
  for _, old in ipairs(seen) do
    expect.truthy(client.session_id ~= old, "round " .. round .. ": a sid never used before")
    expect.state(relay, "Closed", { session = old })
  end
  expect.frame(client, "sent", { type = "HandshakeInit", sid = client })
  seen[#seen + 1] = client.session_id
  client:send("after drop " .. round)
  expect.frame(client, "sent", { type = "Data", sid = client, seq = 0 })
  expect.delivered(daemon, "after drop " .. round, { session = client })
end
