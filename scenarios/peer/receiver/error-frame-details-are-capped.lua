-- An inbound ErrorFrame is untrusted input (SBP-EFR-004): its details are
-- kept only up to the receiver's cap (16 KiB by default) and its message is
-- escaped before anything logs it (a newline or an ANSI escape cannot forge
-- log lines). A code 2000 ErrorFrame is not fatal (SBP-ERR-004): the
-- connection goes on.
scenario {
  name = "receiver: ErrorFrame details capped, message treated as untrusted text",
  requirements = { "SBP-EFR-004", "SBP-ERR-004", "SBP-EFR-002" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
bob:route_prefix("app/", { label = "app" })
local mallory = R.raw_client(world, bob)

mallory:send_raw(sim.sbp { kind = "Error", code = 2000, message = "ok\nFAKE LOG LINE\27[31m",
                           data = string.rep("D", 20000) })
local n = expect.note(bob, "error_frame")
expect.truthy(n.text:find("ok\\x0aFAKE LOG LINE\\x1b[31m", 1, true), "escaped: " .. n.text)
expect.truthy(not n.text:find("\n", 1, true), "no raw newline reaches the log")
expect.truthy(n.text:find("details 16384 of 20000 bytes kept", 1, true), "details capped: " .. n.text)
mallory:send_raw(R.message("app/after", "still open"))
expect.handled(bob, "app", { subject = "app/after" })
