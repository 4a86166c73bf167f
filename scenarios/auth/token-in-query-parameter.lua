-- The default way to present a token, and the only one browsers can use: the
-- query parameter of the upgrade request, wss://relay/?token=<jwt> (AUTH-020;
-- the capture shows the request line). The relay reads it there, validates
-- it before the upgrade (AUTH-025) and admits the connection.
scenario {
  name = "token in the query parameter is accepted",
  requirements = { "AUTH-020", "AUTH-025" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-002", "SBRP-SM-C-004" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
expect.note(relay, "token_presented", { text = "query parameter" })   -- the daemon's

client:connect()
expect.note(relay, "token_presented", { text = "in the query parameter token (AUTH-020)" })
expect.note(relay, "admission", { session = client })
expect.link(client, "open", { code = 101 })
expect.state(client, "Active")
