-- route() and route_prefix() check a subject against the v1 subject policy
-- and throw on one it refuses (upstream's router.ts): old-style subjects
-- such as rpc/getUser, the reserved stream channel, a prefix that makes no
-- valid subject. The same subject may be routed twice: both routes are kept
-- and both handlers get the next event (RPC-RTR-006).
scenario {
  name = "router: route and route_prefix refuse invalid subjects, allow repeats",
  requirements = { "RPC-RTR-006", "SBP-SUBJ-003" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }

local ok, err = bob:route("rpc/getUser", {})
expect.eq(ok, false, "route(rpc/getUser) throws")
expect.eq(err, "SB_ERR_SBP_SUBJECT_NAMESPACE", "not in the namespace")
ok, err = bob:route("stream", {})
expect.eq(err, "SB_ERR_SBP_SUBJECT_RESERVED", "stream is reserved in v1")
ok, err = bob:route_prefix("rpc", {})
expect.eq(err, "SB_ERR_SBP_SUBJECT_NAMESPACE", "prefix rpc: rpc + test is no subject")
ok, err = bob:route_prefix("", {})
expect.eq(err, "SB_ERR_SBP_SUBJECT_NAMESPACE", "the empty prefix")

local first = bob:route("event", { label = "first" })
local second = bob:route("event", { label = "second" })
expect.truthy(first and second and first ~= second, "event routed twice: two registrations")
expect.truthy(bob:route_prefix("app/metrics/", { label = "metrics" }), "a prefix of app/ is valid")

alice:connect()
expect.peer_state(alice, "active")
alice:emit("job.done")
expect.handled(bob, "first", { subject = "event" })
expect.handled(bob, "second", { subject = "event" })
