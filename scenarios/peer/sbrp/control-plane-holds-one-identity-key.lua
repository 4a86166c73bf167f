-- The control plane knows exactly one active identity key per daemon and a
-- rotation is manual and never silent (SBRP-TOFU-005): the client pins the
-- key the control plane holds; the operator stops the daemon, rotates its
-- key (the new one replaces the old one in the daemon and the control
-- plane) and restarts it; the client's next connection meets the new key
-- and is refused with identity_key_changed, naming both fingerprints
-- (SBRP-TOFU-004), instead of accepting it quietly.
scenario {
  name = "sbrp: one identity key per daemon; a rotation is never silent",
  requirements = { "SBRP-TOFU-005", "SBRP-TOFU-004", "SBRP-TOFU-002" },
  rows = { "SBRP-SM-C-004", "SBRP-SM-C-006", "SBRP-SM-D-001" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "prompt", accept_first = true, accept_change = false,
                              auto_reconnect = false }
local old = daemon:identity()

client:connect()
expect.state(client, "Active")
expect.eq(client.pin, old, "pinned: the control plane's one key")
client:close()

daemon:crash()
expect.truthy(daemon:rotate_identity(), "the operator rotates the key by hand")
local new = daemon:identity()
expect.truthy(new ~= old, "the control plane now holds the new key only")
daemon:restart()
expect.state(daemon, "Connected")

client:crash()
client:restart()
client:connect()
local n = expect.note(client, "identity_key_changed", { err = "SB_ERR_SBRP_IDENTITY_CHANGED" })
expect.truthy(n.text:find("pinned SHA256:", 1, true) and n.text:find("received SHA256:", 1, true),
              "both fingerprints: " .. n.text)
expect.state(client, "Closed")
expect.eq(client.pin, old, "the old pin stays until the user approves")
