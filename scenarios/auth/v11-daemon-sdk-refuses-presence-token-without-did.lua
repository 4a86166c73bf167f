-- The daemon SDK reads did from its presence token before connecting and
-- refuses a token it cannot read it from (AUTH-061): no did (AUTH-V11) or no
-- token at all (AUTH-V01). The daemon goes Closed without opening a
-- connection; the relay never sees the token and no client can reach it. (A
-- client token without did is refused by the relay instead:
-- v11-client-token-without-did-gets-401.lua.)
scenario {
  name = "daemon SDK refuses a presence token without did (AUTH-V11, AUTH-061)",
  requirements = { "AUTH-V11", "AUTH-V01", "AUTH-061" },
  rows = { "SBRP-SM-D-001" },
}
local world  = sim.world {}
local relay  = world:relay {}

for _, fault in ipairs { "no_did", "empty" } do
  local d = world:daemon { name = "d_" .. fault, connect = false }
  local ok, err = d:connect { token = fault }
  expect.eq(ok, false, fault .. ": connect refused")
  expect.eq(err, "SB_ERR_AUTH_PEEK_DID", fault .. ": the SDK cannot read did")
  expect.note(d, "presence_token_refused", { err = "SB_ERR_AUTH_PEEK_DID" })
  expect.state(d, "Closed")
  expect.eq(d.link, nil, fault .. ": no connection was opened")
  expect.eq(relay:daemon_online(d), false, fault .. ": not online")
end
expect.no_note(relay, "admission_refused", { during = "1s" })

local good = world:daemon { id = "d_good" }           -- a readable token connects
expect.state(good, "Connected")
expect.eq(relay:daemon_online(good), true, "the good daemon is online")
