-- A second connection presents a session token with a sid already in use by
-- a live session (a stolen or replayed token, or a ghost socket). The relay
-- refuses the upgrade with HTTP 409 (auth.md section 6, E-SM-RELAY-1): no
-- WebSocket, and the session that owns the sid is not disturbed.
scenario {
  name = "sid of a live session presented again gets HTTP 409",
  requirements = { "AUTH-025", "AUTH-053", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local owner  = world:client { name = "owner", daemon = daemon }
local thief  = world:client { name = "thief", daemon = daemon }
owner:connect()
expect.state(owner, "Active")
expect.frame(daemon, "received", { type = "HandshakeInit", sid = owner })

thief:connect { sid = owner }                          -- a valid token carrying owner's sid
expect.eq(thief.session_id, owner.session_id, "the same sid")
expect.note(relay, "admission_refused", { err = "SB_ERR_EXISTS", session = owner })
expect.link(thief, "refused", { code = 409 })
expect.transition(thief, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(daemon, "received", { type = "HandshakeInit" }, { during = "1s" })

owner:send("undisturbed")
expect.delivered(daemon, "undisturbed", { session = owner })
expect.state(relay, "Paired", { session = owner })
