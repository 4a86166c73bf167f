-- Step 14 (AUTH-V14) caps the lifetime of client tokens at 300 s; daemon
-- presence tokens are meant to live an hour or more and have no cap. A
-- daemon whose token lives 301 s (the lifetime that gets a client token
-- refused, v14-client-token-ttl-over-300s-gets-401.lua) is admitted, as is
-- one with the usual one-hour presence token.
scenario {
  name = "daemon token lifetime is not capped (AUTH-V14 is for clients)",
  requirements = { "AUTH-V14" },
  rows = { "SBRP-SM-D-002", "SBRP-SM-R-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local short  = world:daemon { id = "d_short", connect = false }

short:connect { token = "long_ttl" }                   -- exp - iat = 301 s
expect.note(relay, "admission", { text = "daemon d_short admitted" })
expect.state(short, "Connected")
local hour = world:daemon { id = "d_hour" }            -- exp - iat = 3600 s
expect.note(relay, "admission", { text = "daemon d_hour admitted" })
expect.state(hour, "Connected")
expect.no_note(relay, "admission_refused", { during = "1s" })
expect.no_note(relay, "token_ttl_warning", { during = "0" })

local client = world:client { daemon = short }
client:connect()
expect.state(client, "Active")
