-- Invalid names and patterns are programming errors refused synchronously
-- with invalid_pattern (the SB_ERR_EVT_* reason): a wildcard in an emitted
-- name, "**" (use ">"), ">" not last, an empty name, a non-ASCII segment.
-- Nothing reaches the wire for them.
scenario {
  name = "events: invalid names and patterns are refused at once",
  requirements = { "EVT-PAT-003", "EVT-PAT-004", "EVT-PAT-005", "EVT-PAT-006", "EVT-PAT-002", "PEER-ERR-002" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
P.connect(alice, bob)

local function refused(err, ...)
  local ok, got = ...
  expect.eq(ok, false, err .. ": refused")
  expect.eq(got, err, err)
end
refused("SB_ERR_EVT_WILDCARD_IN_NAME", alice:emit("task.*"))
refused("SB_ERR_EVT_DOUBLE_STAR", alice:on_pattern("task.**"))
refused("SB_ERR_EVT_GT_NOT_LAST", alice:on_pattern("task.>.x"))
refused("SB_ERR_EVT_EMPTY", alice:on(""))
refused("SB_ERR_EVT_BAD_SEGMENT", alice:emit("t\195\162che.x"))
refused("SB_ERR_EVT_EMPTY_SEGMENT", alice:on("task..x"))
refused("SB_ERR_EVT_BAD_SEGMENT", alice:on_pattern("ta*sk"))
expect.no_sbp(alice, "sent", { subject = "event" }, { during = "1s" })
expect.eq(alice:emit("task.ok"), true, "a valid name is sent")
expect.sbp(alice, "sent", { subject = "event", e = "task.ok" })
