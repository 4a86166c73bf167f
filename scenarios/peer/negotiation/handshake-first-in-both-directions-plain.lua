-- Two peers on a plain WebSocket (no SBRP): each side's first frame is its
-- Handshake, sent as soon as the connection is open without waiting for the
-- other's, with the reference negotiator's JSON (keys in order, caps [] and
-- metadata {}); nothing at all goes out before the connection exists.
scenario {
  name = "plain SBP: a Handshake is the first frame in both directions",
  requirements = { "SBP-HS-001", "SBP-HS-009", "PEER-NEG-008", "PEER-NEG-002", "SBP-BEH-008" },
  rows = { "PEER-SM-T1", "PEER-SM-T2", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)

expect.no_sbp(alice, "sent", nil, { during = "1s" }) -- idle: nothing on any wire
alice:connect()
local open = expect.link(alice, "open")
local first = expect.sbp(alice, "sent", {})
expect.eq(first.op, "Handshake", "alice's first frame")
expect.eq(first.data, '{"protocol":"sideband","version":"1","peerId":"alice","caps":[],"metadata":{}}',
  "the Handshake JSON, keys in the reference order")
expect.eq(#first.bytes, 2 + 16 + 1 + #first.data, "kind, flags, frameId, op, JSON")
expect.eq(first.t, open.t, "sent the moment the connection opens")

local acc = bob:accepted(1)
local bfirst = expect.sbp(acc, "sent", {})
expect.eq(bfirst.op, "Handshake", "bob's first frame")
local brecv = expect.sbp(acc, "received", {})
expect.truthy(bfirst.t < brecv.t, "bob does not wait for alice's Handshake")
expect.eq(brecv.bytes, first.bytes, "bob's first received frame is alice's Handshake")
expect.eq(expect.sbp(alice, "received", {}).bytes, bfirst.bytes, "alice's first received frame is bob's Handshake")
expect.transitions(alice, { "PEER-SM-T1", "PEER-SM-T2", "PEER-SM-T3" })
expect.eq(alice.remote_id, "bob", "the peerId comes from the Handshake")
