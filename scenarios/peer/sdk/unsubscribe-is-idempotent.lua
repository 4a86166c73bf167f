-- on() and onPattern() return an unsubscribe that is idempotent
-- (EVT-DSP-005): calling it twice does nothing more, and calling it again
-- after a new subscription to the same name does not remove the new one.
-- Each call reaches the peer machine's own unsubscribe.
scenario {
  name = "sdk: unsubscribe is idempotent",
  requirements = { "EVT-DSP-005", "EVT-DSP-001" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
P.connect(alice, bob)

local old = alice:on("news.flash")
local pat = alice:on_pattern("news.>")
expect.truthy(alice:off(old), "first unsubscribe")
expect.truthy(alice:off(old), "second unsubscribe: no error")
expect.truthy(alice:off(pat), "pattern unsubscribe")
expect.truthy(alice:off(pat), "pattern unsubscribe again")
local new = alice:on("news.flash")
alice:off(old)                                   -- the old handle once more
alice:off(pat)

bob:accepted(1):emit("news.flash", { n = 1 })
expect.event(alice, "news.flash", { sub = new, data = { n = 1 } })
expect.no_event(alice, "news.flash", { sub = old, during = "1s" })
expect.no_event(alice, "news.flash", { sub = pat, during = "0" })
