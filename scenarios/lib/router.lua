-- Helpers for the Router and receiver-policy scenarios (scenarios/peer/router/,
-- scenarios/peer/receiver/): a raw client that speaks SBP by hand to a
-- Router server, past the Handshake exchange.
local M = {}

-- The Handshake frame of peer `peer_id`.
function M.handshake(peer_id)
  return sim.sbp { kind = "Control", op = "Handshake",
                   handshake = { protocol = "sideband", version = "1", peerId = peer_id } }
end

-- A raw client `name` connected to `server` with both Handshakes exchanged:
-- what it sends next is read by the server's router as a session frame.
function M.raw_client(world, server, name)
  local m = world:peer { name = name or "mallory", server = server, raw = true }
  m:connect()
  expect.link(m, "open")
  m:send_raw(M.handshake(m.name))
  expect.sbp(m, "received", { kind = "Control", op = "Handshake" })
  return m
end

-- A Message on `subject` with `data` (bytes) and, optionally, frameId `id` (hex).
function M.message(subject, data, id)
  return sim.sbp { kind = "Message", subject = subject, data = data or "", id = id }
end

return M
