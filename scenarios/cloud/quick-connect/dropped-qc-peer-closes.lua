-- The same rule seen from the application: a peer with connect()'s
-- defaults (onDisconnect "pause", retry "on-error") over a Quick Connect
-- client loses its session, goes reconnecting, and when the backoff ends
-- its next attempt fails with PeerError(InvalidState) (the code is spent):
-- fatal, so the peer closes instead of retrying again.
scenario {
  name = "a dropped Quick Connect peer closes after one failed attempt",
  requirements = { "CLOUD-052", "CLOUD-013", "CLOUD-015" },
  rows = { "PEER-SM-T6", "PEER-SM-T8", "PEER-SM-T4" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(36, { quick_connect = true })
local client = cloud:client { quick_connect = cloud:quick_connect(daemon) }
local bob = world:peer_server { name = "bob", via = daemon }
local alice = world:peer { name = "alice", via = client, on_disconnect = "pause", retry = "on-error" }

alice:connect()
expect.peer_state(alice, "active")
world:advance("1s")
client:drop_connection()
expect.transition(alice, "active>reconnecting@PEER-SM-T6")
expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
expect.note(client, "attempt_failed", { text = "PeerError(InvalidState): fatal" })
expect.transition(alice, "connecting>closed@PEER-SM-T4")
expect.peer_state(alice, "closed")
expect.api(client, "quickConnect.redeem", { status = 200 })
expect.no_api(client, nil, { during = "60s" })
expect.peer_state(alice, "closed")
