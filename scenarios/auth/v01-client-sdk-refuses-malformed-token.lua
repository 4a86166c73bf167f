-- The client SDK reads the sid from its session token before it connects
-- (AUTH-060). A token that is empty or has only two parts (malformed under
-- AUTH-V01) has no readable sid: the SDK refuses it as handshake_failed and
-- never opens a connection, so the relay never sees it. The same client
-- machine type connects fine with a good token.
scenario {
  name = "client SDK refuses an empty or two-part token before connecting (AUTH-V01, AUTH-060)",
  requirements = { "AUTH-V01", "AUTH-001", "AUTH-060" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }

for _, fault in ipairs { "empty", "two_parts" } do
  local c = world:client { name = "c_" .. fault, daemon = daemon }
  local ok, err = c:connect { token = fault }
  expect.eq(ok, false, fault .. ": connect refused")
  expect.eq(err, "SB_ERR_AUTH_PEEK_SID", fault .. ": the SDK cannot read the sid")
  expect.note(c, "handshake_failed", { err = "SB_ERR_AUTH_PEEK_SID" })
  expect.state(c, "Closed")
  expect.eq(c.link, nil, fault .. ": no connection was opened")
end
expect.no_note(relay, "admission_refused", { during = "1s" })  -- nothing reached the relay

local good = world:client { name = "good", daemon = daemon }
good:connect()
expect.state(good, "Active")
