-- SBRP-RELAY-006: three clients on one daemon, each with its own sid,
-- keys and counters. Each session's first Data frame is seq 0 in both
-- directions; what the daemon sends one client reaches only that client;
-- closing one session leaves the other two Active and flowing.
scenario {
  name = "several clients on one daemon: independent sessions",
  requirements = { "SBRP-RELAY-006", "SBRP-RELAY-004", "SBRP-CRYPTO-030", "AUTH-012", "AUTH-050" },
  rows = { "SBRP-SM-R-001", "SBRP-SM-R-004", "SBRP-SM-R-015" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local a = world:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
local c = world:client { name = "c", daemon = daemon, auto_reconnect = false }
for _, x in ipairs { a, b, c } do
  x:connect()
  expect.state(x, "Active")
  expect.frame(x, "sent", { type = "HandshakeInit", sid = x })   -- the token's sid in the header
end
expect.truthy(a.session_id ~= b.session_id and b.session_id ~= c.session_id
              and a.session_id ~= c.session_id, "three distinct sids")

-- Counters start at 0 per session and direction; every frame carries its own sid.
for _, x in ipairs { a, b, c } do
  x:send("up from " .. x.name)
  expect.frame(x, "sent", { type = "Data", sid = x, seq = 0 })
  expect.delivered(daemon, "up from " .. x.name, { session = x })
  daemon:send(x, "down to " .. x.name)
  expect.frame(daemon, "sent", { type = "Data", sid = x, seq = 0 })
  expect.frame(x, "received", { type = "Data", sid = x, seq = 0 })
  expect.delivered(x, "down to " .. x.name, { session = x })
end

-- A frame for b reaches b only.
daemon:send(b, "only b")
expect.delivered(b, "only b")
expect.no_delivery(a, { during = "1s" })
expect.no_delivery(c, { during = "0" })
expect.no_frame(a, "received", { type = "Data" }, { during = "0" })

-- Closing a leaves b and c.
a:close()
expect.control(daemon, "session_ended", { sid = a })
expect.eq(relay:session_state(b), "Paired", "b still paired")
c:send("c goes on")
expect.frame(c, "sent", { type = "Data", seq = 1 })
expect.delivered(daemon, "c goes on", { session = c })
expect.state(b, "Active")
expect.state(c, "Active")
