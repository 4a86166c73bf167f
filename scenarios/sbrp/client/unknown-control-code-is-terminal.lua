-- Fail-safe: a Control code the client does not know (a reserved 0x05xx
-- code, an unassigned session-state code, or an SDK-only 0xE0xx code that
-- must never be on the wire) is treated as terminal. The Active client ends
-- the session (Closed), closes the WebSocket itself with 1002 (the relay
-- would not, not knowing it as terminal) and sends nothing more.
scenario {
  name = "unknown Control codes are terminal",
  requirements = { "SBRP-CTRL-005" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
for _, code in ipairs({ "0501", "1005", "e001" }) do
  local client = world:client { name = "c" .. code, daemon = daemon, auto_reconnect = false }
  client:connect()
  expect.state(client, "Active")
  world:wire(relay, client):inject(sim.frame { type = "Control", sid = client, hex = code })
  local f = expect.frame(client, "received", { type = "Control", payload = code })
  expect.note(client, "control_received", { err = "SB_ERR_SBRP_CONTROL_UNKNOWN",
                                            text = "unknown Control code 0x" .. code })
  local tr = expect.transition(client, "Active>Closed")
  expect.eq(tr.t, f.t, "0x" .. code .. ": ended on receipt")
  expect.link(client, "close", { code = 1002 })
  expect.eq(client:send("x"), false, "0x" .. code .. ": nothing more is sent")
  expect.control(daemon, "session_ended", { sid = client })
end
local known = world:client { name = "known", daemon = daemon }
known:connect()
expect.state(known, "Active")
world:wire(relay, known):inject(sim.frame { type = "Control", sid = 0, control = "rate_limited" })
expect.control(known, "rate_limited", { sid = 0 })
expect.eq(known.state, "Active", "a known non-terminal code does not end the session")
