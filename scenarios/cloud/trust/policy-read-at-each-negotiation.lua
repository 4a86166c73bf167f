-- connect() reads the trust policy for every negotiation, never once for
-- the life of the client: a policy the caller changes between two attempts
-- decides the second one. Two clients connect under one policy, the daemon's
-- identity key then changes (the operator rotates it), each client switches
-- policy and reconnects:
--   a: auto (no pin: pins on first use), then pinned-only: the changed key
--      is refused (auto, if cached, would have re-pinned and connected);
--   c: pinned-only (with the right pin), then auto: the changed key is
--      re-pinned silently and c connects (pinned-only would have refused).
scenario {
  name = "the trust policy is read at each negotiation, not cached across reconnects",
  requirements = { "CLOUD-031", "CLOUD-012" },
  rows = { "SBRP-SM-C-006", "SBRP-SM-C-015" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(31)
local a = cloud:client { name = "a", daemon = daemon, auto_reconnect = false }
local c = cloud:client { name = "c", daemon = daemon, auto_reconnect = false, trust = "pinned-only", pin = "daemon" }

a:connect()
expect.note(a, "trust_decision", { text = "auto, no pin: pin" })
expect.state(a, "Active")
c:connect()
expect.note(c, "trust_decision", { text = "pinned-only, pin matches: continue" })
expect.state(c, "Active")
local pin_a, pin_c = a.pin, c.pin

-- the daemon comes back with a new identity key; both sessions are gone
daemon:crash()
daemon:rotate_identity()
daemon:restart()
expect.state(daemon, "Connected", { timeout = "5s" })
expect.state(a, "Reconnecting")
expect.state(c, "Reconnecting")

cloud:set_trust(a, "pinned-only")
cloud:set_trust(c, "auto")
a:reconnect()
c:reconnect()
expect.note(a, "trust_decision", { text = "pinned-only, pin differs: refuse: identity_key_changed" })
expect.transition(a, "Handshaking>Closed@SBRP-SM-C-006")
expect.state(a, "Closed")
expect.eq(a.pin, pin_a, "a: pin untouched")
expect.note(c, "trust_decision", { text = "auto, pin differs: re-pin" })
expect.state(c, "Active")
expect.note(c, "pin_written", { text = cloud:fingerprint(daemon) })
expect.truthy(c.pin ~= pin_c, "c: re-pinned to the new key")
expect.no_note(c, "prompt_identity_mismatch", { during = "100ms" })
