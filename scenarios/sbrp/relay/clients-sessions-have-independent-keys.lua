-- Independent keys (SBRP-RELAY-006, SBRP-CRYPTO-001): an adversary takes a
-- Data frame of client a and relabels it with client b's SessionID on b's
-- wire. The relay, which never reads payloads, forwards it to the daemon
-- as b's (SBRP-RELAY-021), but it does not open under b's keys: the daemon
-- reports decrypt_failed for b's session. a's session is untouched.
scenario {
  name = "several clients: one session's frame does not open in another",
  requirements = { "SBRP-RELAY-006", "SBRP-CRYPTO-001", "SBRP-CRYPTO-024", "SBRP-RELAY-021" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local a = world:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
a:connect(); expect.state(a, "Active")
b:connect(); expect.state(b, "Active")

a:send("a's secret")
expect.delivered(daemon, "a's secret", { session = a })
local bytes = world:wire(a, relay):seen { type = "Data" }
local forged = bytes:sub(1, 5) .. sim.unhex(string.format("%016x", b.session_id)) .. bytes:sub(14)
world:wire(b, relay):inject(forged)
expect.frame(daemon, "received", { bytes = sim.hex(forged) })
expect.note(daemon, "decrypt_failed", { session = b })
expect.no_delivery(daemon, { session = b, during = "1s" })

a:send("a goes on")
expect.delivered(daemon, "a goes on", { session = a })
