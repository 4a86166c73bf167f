-- SBRP-SM-C-015: clients never resume. A reconnect fetches a new session
-- token whose sid differs from every earlier one, opens a new WebSocket,
-- sends a HandshakeInit with a new ephemeral key under the new SessionID,
-- derives new keys and starts its counters at 0 again. Three drops in a
-- row give three distinct sids.
scenario {
  name = "C-015: a reconnect uses a new token, a new sid and new keys",
  requirements = { "SBRP-RES-001", "AUTH-053", "SBRP-CRYPTO-001", "SBRP-WIRE-016" },
  rows = { "SBRP-SM-C-015" },
}
local cl = require "client"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")

local seen_sid, seen_key, seen_token = {}, {}, {}
local function record(init)
  local sid = cl.token_sid(client.token)
  expect.eq(init.sid, sid, "HandshakeInit under the new token's sid")
  expect.truthy(not seen_sid[sid], "sid never used before")
  expect.truthy(not seen_key[init.payload], "ephemeral key never used before")
  expect.truthy(not seen_token[client.token], "token never used before")
  seen_sid[sid], seen_key[init.payload], seen_token[client.token] = true, true, true
end
record(expect.frame(client, "sent", { type = "HandshakeInit" }))
expect.keys(client)
client:send("a")
client:send("b")
expect.frame(client, "sent", { type = "Data", seq = 1 })

for round = 1, 3 do
  client:drop_connection()
  expect.state(client, "Reconnecting")
  client:reconnect()
  expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015", { event = "ws_open" })
  record(expect.frame(client, "sent", { type = "HandshakeInit" }))
  expect.keys(client, { session = client })                 -- new keys derived
  expect.state(client, "Active")
  client:send("round " .. round)
  expect.frame(client, "sent", { type = "Data", seq = 0 })  -- counter from 0 again
  expect.delivered(daemon, "round " .. round, { session = client })
end
