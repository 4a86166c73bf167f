-- The pin changes only after the signature verified (SBRP-TOFU-002; the
-- upstream SDK pins earlier, sbrp.md I-12). An adversary replaces one byte
-- of the identity key advertised in HandshakeAccept: under `auto` the
-- client accepts it as a first use / silent re-pin, then the signature
-- check fails (it was made by the real key): handshake_failed, and the
-- stored pin is left exactly as it was (none, or the real key).
scenario {
  name = "TOFU: a forged identity key is never pinned",
  requirements = { "SBRP-TOFU-002", "SBRP-CRYPTO-004" },
  rows = { "SBRP-SM-C-007" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }

-- No pin yet: the forged key is trusted on first use, then fails verification.
local fresh = world:client { name = "fresh", daemon = daemon, trust = "auto", auto_reconnect = false }
world:wire(relay, fresh):corrupt { type = "HandshakeAccept", offset = 13 + 5 }
fresh:connect()
expect.note(fresh, "tofu_first_use")
expect.note(fresh, "handshake_failed", { err = "SB_ERR_SBRP_HANDSHAKE_FAILED" })
expect.transition(fresh, "Handshaking>Closed@SBRP-SM-C-007")
expect.eq(fresh.pin, nil, "the forged key was not pinned")

-- The real key pinned: the forged key looks like a key change, re-pin would
-- be silent under auto, but verification fails first and the pin stays.
local pinned = world:client { name = "pinned", daemon = daemon, trust = "auto", pin = "daemon",
                              auto_reconnect = false }
local real = pinned.pin
world:wire(relay, pinned):corrupt { type = "HandshakeAccept", offset = 13 + 5 }
pinned:connect()
expect.note(pinned, "tofu_repin_auto")
expect.note(pinned, "handshake_failed", { err = "SB_ERR_SBRP_HANDSHAKE_FAILED" })
expect.transition(pinned, "Handshaking>Closed@SBRP-SM-C-007")
expect.eq(pinned.pin, real, "the real key is still the pin")

-- Without the adversary the same pinned client setup reaches Active.
local clean = world:client { name = "clean", daemon = daemon, trust = "auto", pin = "daemon" }
clean:connect()
expect.state(clean, "Active")
expect.eq(clean.pin, real, "same pin")
