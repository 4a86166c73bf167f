-- Step 12 (AUTH-V12) checks sub and sid for client tokens only. A daemon
-- presence token without sub is admitted: the relay takes the daemon's
-- identity from did alone (errata E-AUTH-9: sub == did is prose, not one of
-- the ordered checks). The daemon goes online and serves a client.
scenario {
  name = "daemon token without sub is admitted (AUTH-V12 is for clients)",
  requirements = { "AUTH-V12", "SBRP-RELAY-002" },
  rows = { "SBRP-SM-D-002", "SBRP-SM-R-003", "SBRP-SM-R-004" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", connect = false }

daemon:connect { token = "no_sub" }
expect.note(relay, "admission", { text = "daemon d_abc admitted" })
expect.link(daemon, "open", { code = 101 })
expect.state(daemon, "Connected")
expect.no_note(relay, "admission_refused", { during = "1s" })

local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
client:send("hello")
expect.delivered(daemon, "hello", { session = client })
