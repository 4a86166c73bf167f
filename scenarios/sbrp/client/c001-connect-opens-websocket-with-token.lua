-- SBRP-SM-C-001: connect() takes the client from Idle to Connecting and opens
-- one WebSocket to the relay carrying a fresh session token (role client,
-- scope session:create, the daemon asked for). Nothing is sent before the
-- WebSocket is open; the relay admits the token before the upgrade.
scenario {
  name = "C-001: connect opens a WebSocket with a session token",
  requirements = { "AUTH-020", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001" },
}
local cl = require "client"

local world  = sim.world { latency = "5ms" }
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }

expect.eq(client.token, nil, "no token before connect")
expect.eq(client:connect(), true, "connect from Idle is accepted")
expect.eq(client.state, "Connecting", "Connecting at once, before any time passes")
local t0 = world.now
local tr = expect.transition(client, "Idle>Connecting@SBRP-SM-C-001", { event = "connect" })
expect.eq(tr.t, t0, "the transition happened at the connect call")
local claims = cl.claims(client.token)
expect.truthy(claims:find('"role":"client"', 1, true), "a client (session) token")
expect.truthy(claims:find('"did":"d_abc"', 1, true), "for the daemon asked for")
expect.truthy(claims:find('"session:create"', 1, true), "with scope session:create")
expect.link(client, "connect")
-- The upgrade reaches the relay one latency later and is admitted (101) ...
local adm = expect.note(relay, "admission", { session = client, text = "client admitted for did d_abc" })
expect.eq(adm.t, t0 + 5000, "the relay decides on the upgrade after one-way latency")
-- ... and only once the client sees it open does anything go out.
local open = expect.link(client, "open")
local first = expect.frame(client, "sent", {})
expect.eq(first.type, "HandshakeInit", "the first frame is the HandshakeInit")
expect.eq(first.t, open.t, "sent when the WebSocket opened, not before")
expect.eq(client:connect(), false, "a second connect is refused outside Idle")
expect.state(client, "Active")
