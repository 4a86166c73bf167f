-- listen()'s AbortSignal cancels a daemon that is still starting (waiting
-- for the network, retrying its first presence token): listen() rejects
-- with AbortError at once and the loop makes no further call. Once the first
-- relay connection is up the signal is spent: aborting then changes nothing,
-- the daemon stays connected and keeps reconnecting after a drop (stopping
-- a running daemon is server.close()'s job).
scenario {
  name = "listen()'s abort signal rejects before the first connection, does nothing after",
  requirements = { "CLOUD-064" },
}

local world   = sim.world { seed = 64 }
local relay   = world:relay {}
local cloud   = world:cloud {}
local running = cloud:daemon { id = "d_running" }
expect.state(running, "Connected")
local early   = cloud:daemon { id = "d_early", start = false }
local instant = cloud:daemon { id = "d_instant", start = false }

-- before the first connection: the startup token fails (503), listen() waits to retry
cloud:fault { procedure = "daemon.renewToken", status = 503, count = 1 }
cloud:listen(early)
expect.api(early, "daemon.renewToken", { status = 503, verdict = "retryable" })
expect.note(early, "listen_sleep")
expect.eq(cloud:status(early).listen, "waiting", "listen() still pending, in a startup sleep")
expect.truthy(cloud:abort(early), "abort")
expect.note(early, "listen_abort", { text = "before the first relay connection" })
expect.note(early, "listen_stopped", { text = "AbortError: listen() rejects" })
local st = cloud:status(early)
expect.eq(st.listen, "stopped", "the loop is over")
expect.eq(st.rejected, true, "listen() rejected")
expect.eq(st.connections, 0, "never connected")
expect.no_api(early, nil, { what = "call", during = "60s" }) -- the pending retry never happens
expect.eq(relay:daemon_online("d_early"), false, "never online")

-- aborted while the first presence-token call is still in flight: its answer is not used
cloud:listen(instant)
expect.api(instant, "daemon.renewToken", { what = "call" })
expect.truthy(cloud:abort(instant), "abort")
expect.note(instant, "listen_stopped", { text = "AbortError: listen() rejects" })
expect.note(instant, "answer_ignored")
expect.eq(cloud:status(instant).connections, 0, "no connection from the late token")
expect.eq(relay:daemon_online("d_instant"), false, "never online")

-- after the first connection: no effect
expect.truthy(cloud:abort(running), "abort")
expect.note(running, "listen_abort", { text = "after the first relay connection: no effect" })
expect.no_note(running, "listen_stopped", { during = "5s" })
st = cloud:status(running)
expect.eq(st.listen, "connected", "still connected")
expect.eq(st.rejected, false, "listen() had resolved and stays so")
expect.eq(running.state, "Connected", "the daemon is unaffected")
running:drop_connection()
expect.note(running, "listen_sleep", { text = "(reported)" })   -- the loop goes on
expect.state(running, "Connected", { timeout = "5s" })
expect.eq(cloud:status(running).connections, 2, "reconnected")
