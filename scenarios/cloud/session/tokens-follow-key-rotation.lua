-- The control plane rotates its signing key and retires the old one. Both
-- token issuers of the world, the built-in one and the cloud API, sign with
-- the new key (kid sim-cp-2) from then on, so a cloud client still gets in
-- as soon as the relay fetches the new JWKS, while a token of the old key
-- is refused.
scenario {
  name = "cloud session tokens follow a key rotation of the control plane",
  requirements = { "AUTH-030", "AUTH-032", "AUTH-V04" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(27)

world:rotate_key { retire_old = true }
world:advance("11s") -- past the relay's minimum interval between JWKS fetches
local client = cloud:client { daemon = daemon }
client:connect()
local s = expect.api(client, "relay.createSession", { status = 200 })
expect.eq(h.jwt_header(s.data.token), '{"alg":"EdDSA","typ":"sbrp-relay+jwt","kid":"sim-cp-2"}', "signed with the new key")
expect.state(client, "Active")
expect.note(relay, "jwks_fetched", { text = "kid" })
local stale = world:client { name = "stale", daemon = daemon, auto_reconnect = false }
stale:connect { token = "old_key" }
expect.link(stale, "refused", { code = 401 })
