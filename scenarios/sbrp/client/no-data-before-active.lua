-- No Data frame is sent or accepted before the client is Active. While the
-- WebSocket opens and while the (slow) daemon prepares its Accept, send()
-- is refused and nothing goes out; a Data frame an adversary injects
-- towards the Handshaking client is dropped without reaching the
-- application, and the handshake then completes normally.
scenario {
  name = "no Data before Active",
  requirements = { "SBRP-CRYPTO-009" },
  rows = { "SBRP-SM-C-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", accept_delay = "1s" }
local client = world:client { daemon = daemon, auto_reconnect = false }

expect.eq(client:send("idle"), false, "refused in Idle")
client:connect()
local ok, err = client:send("connecting")
expect.eq(err, "SB_ERR_STATE", "refused while Connecting")
expect.state(client, "Handshaking")
ok, err = client:send("handshaking")
expect.eq(err, "SB_ERR_STATE", "refused while Handshaking")

-- A forged Data frame (valid layout, no keys behind it) reaches the client.
local nonce = "00000002" .. "0000000000000000"
world:wire(relay, client):inject(sim.frame { type = "Data", sid = client,
                                             hex = nonce .. "68656c6c6f" .. string.rep("00", 16) })
expect.frame(client, "received", { type = "Data", seq = 0 })
expect.note(client, "frame_dropped", { text = "Data before Active" })
expect.eq(client.state, "Handshaking", "the handshake goes on")
expect.no_delivery(client, { during = "0.5s" })
expect.no_frame(client, "sent", { type = "Data" }, { during = "0" })

expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
client:send("now")
local first = expect.frame(client, "sent", { type = "Data" })
expect.eq(first.seq, 0, "the first Data frame is sent after Active, with seq 0")
expect.delivered(daemon, "now", { session = client })
daemon:send(client, "real")
expect.delivered(client, "real")                          -- the first thing delivered
