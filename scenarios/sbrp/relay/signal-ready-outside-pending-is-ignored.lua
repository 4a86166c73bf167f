-- Signal(ready) only means something for a Pending session. In Paired it
-- is consumed and ignored (sbrp.md O-1, errata E-SM-RELAY-6): no Control to
-- anyone, not forwarded, nothing closed; Data keeps flowing.
scenario {
  name = "Signal: ready while Paired is consumed and ignored",
  requirements = { "SBRP-SIG-006", "SBRP-RELAY-022" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

daemon:send_raw(sim.frame { type = "Signal", sid = client, signal = "ready" })
expect.note(relay, "signal_ignored", { text = "outside Pending" })
expect.no_frame(relay, "sent", { type = "Control" }, { during = "1s" })
expect.no_frame(client, "received", { type = "Signal" }, { during = "0" })

daemon:send(client, "still paired")
expect.delivered(client, "still paired")
expect.eq(relay:session_state(client), "Paired", "still Paired")
