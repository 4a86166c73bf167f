-- A session whose reader stops reading must not grow the daemon's memory
-- without bound: upstream's virtual connection buffers at most 1024 frames
-- and, when the 1025th arrives, logs "buffer full" and terminates only that
-- session (terminate(false)): nothing goes to the relay (the daemon never
-- sends Signal frames), the session leaves the mux table so its later frames
-- are an unknown SessionID and dropped. Another session on the same relay
-- connection goes on untouched.
scenario {
  name = "listen(): a session with 1024 unread frames is terminated as a slow consumer by the 1025th",
  requirements = { "CLOUD-085" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(85)
local a = cloud:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = cloud:client { name = "b", daemon = daemon }
a:connect()
b:connect()
local sa = expect.api(a, "relay.createSession", { status = 200 })
local sb = expect.api(b, "relay.createSession", { status = 200 })
expect.state(a, "Active")
expect.state(b, "Active")
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = sa.sid })

expect.truthy(cloud:stop_reading(daemon, sa.sid), "a's reader stops reading")
expect.note(daemon, "reading_stopped", { session = sa.sid })
for i = 1, 1024 do a:send("a" .. i) end
for i = 0, 1023 do expect.frame(daemon, "received", { type = "Data", sid = sa.sid, seq = i }) end
-- all 1024 reached the daemon and wait: nothing delivered, nothing ended
expect.no_delivery(daemon, { session = sa.sid, during = "1s" })
expect.no_note(daemon, "slow_consumer", { during = "1s" })
expect.eq(daemon:session_state(sa.sid), "Active", "1024 waiting frames are admitted")

b:send("b1")                                   -- the other session is read
expect.delivered(daemon, "b1", { session = sb.sid })

a:send("a1025")                                -- one too many
expect.frame(daemon, "received", { type = "Data", sid = sa.sid, seq = 1024 })
local function unsigned(n)                    -- the SessionID in decimal, as upstream logs it
  if n >= 0 then return tostring(n) end
  local q = (n >> 1) // 5
  return tostring(q) .. tostring(n - q * 10)
end
expect.note(daemon, "slow_consumer", {
  session = sa.sid,
  text = "Relay session " .. unsigned(sa.sid) .. ": buffer full (1024 frames), terminating slow consumer",
})
local ended = expect.transition(daemon, "Active>Idle (session)", { machine = "daemon/session", session = sa.sid })
expect.truthy(ended.event:find("slow consumer", 1, true), "ended as a slow consumer: " .. ended.event)
expect.eq(daemon:session_state(sa.sid), "Idle (session)", "the daemon forgot a's session")
expect.no_frame(daemon, "sent", { sid = sa.sid }, { during = "2s" })  -- no Signal, nothing
expect.no_delivery(daemon, { session = sa.sid, during = "1s" })      -- the waiting frames are discarded
local ok, err = cloud:resume_reading(daemon, sa.sid)
expect.eq(err, "SB_ERR_NOT_FOUND", "nothing left to resume (ok = " .. tostring(ok) .. ")")

a:send("late")                                 -- an unknown SessionID now
expect.frame(daemon, "received", { type = "Data", sid = sa.sid, seq = 1025 })
expect.note(daemon, "frame_dropped", { session = sa.sid, text = "does not hold" })
expect.no_delivery(daemon, { session = sa.sid, during = "1s" })

b:send("b2")                                   -- b is untouched, both ways
expect.delivered(daemon, "b2", { session = sb.sid })
daemon:send(b, "to b")
expect.delivered(b, "to b")
expect.eq(daemon:session_state(sb.sid), "Active", "b's session goes on")
