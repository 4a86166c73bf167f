-- A session token without a sid, or with a sid that decodes to 0, is refused
-- by the client SDK before it connects (AUTH-060; the relay would refuse it
-- at step 12, AUTH-V12, and AUTH-011 forbids a zero SessionID): the client
-- reports handshake_failed and goes Closed, no connection is opened and the
-- relay never sees the token.
scenario {
  name = "client SDK refuses a token without a usable sid (AUTH-V12, AUTH-060)",
  requirements = { "AUTH-V12", "AUTH-011", "AUTH-060", "SBRP-WIRE-016" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }

for _, fault in ipairs { "no_sid", "zero_sid" } do
  local c = world:client { name = "c_" .. fault, daemon = daemon }
  local ok, err = c:connect { token = fault }
  expect.eq(ok, false, fault .. ": connect refused")
  expect.eq(err, "SB_ERR_AUTH_PEEK_SID", fault .. ": no usable sid")
  expect.note(c, "handshake_failed", { err = "SB_ERR_AUTH_PEEK_SID" })
  expect.state(c, "Closed")
  expect.eq(c.session_id, 0, fault .. ": no SessionID")
  expect.eq(c.link, nil, fault .. ": no connection was opened")
end
expect.no_note(relay, "admission_refused", { during = "1s" })

local good = world:client { name = "good", daemon = daemon }
good:connect()
expect.state(good, "Active")
