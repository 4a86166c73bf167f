/*
 * Lua bindings of the cloud control plane (sim_cloud.h), documented in
 * scenarios/README.md ("The cloud control plane"): world:cloud{}, the
 * cloud object's methods (users, daemons running listen(), clients using
 * connect(), faults, Quick Connect codes, pin files) and expect.api /
 * expect.no_api over the trace's `api` records. Installed by the Lua host
 * (sim_lua_cloud_install); options, nodes and expectations behave as the
 * host's own (lua_host.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <cJSON.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "cloud/api.h"
#include "common/bytes.h"
#include "common/error.h"
#include "common/hex.h"
#include "lua_host.h"
#include "sbrp/handshake.h"
#include "sim_cloud.h"

static const char CLOUD_KEY = 'c';

typedef struct lcloud {
  sim_cloud *c;
} lcloud;

static int l_cloud_gc(lua_State *L) {
  lcloud *u = luaL_checkudata(L, 1, "sim.cloud");
  sim_cloud_free(u->c);
  u->c = NULL;
  return 0;
}

static sim_cloud *self_cloud(lua_State *L) {
  lcloud *u = luaL_checkudata(L, 1, "sim.cloud");
  if (!u->c) luaL_error(L, "the cloud is gone");
  return u->c;
}

/* ---- options (readers: lua_host.h) --------------------------------------------------------- */

static int options_arg(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) {
    lua_newtable(L);
    lua_replace(L, idx);
  }
  luaL_checktype(L, idx, LUA_TTABLE);
  return idx;
}

/* ---- world:cloud{} ------------------------------------------------------------------------------ */

static int l_world_cloud(lua_State *L) {
  lua_settop(L, 2);
  luaL_checkudata(L, 1, "sim.world");
  sim_world *w = sim_lua_world(L);
  options_arg(L, 2);
  static const char *const known[] = {"latency", "relay_url", "errors_in_body", "qc_rate", "wrap_json", NULL};
  const char *f = "world:cloud";
  sim_lua_check_options(L, 2, f, known);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &CLOUD_KEY) != LUA_TNIL) luaL_error(L, "a world has one cloud");
  lua_pop(L, 1);
  sim_cloud_config cfg;
  sim_cloud_config_default(&cfg);
  cfg.latency = sim_lua_opt_dur_or(L, 2, f, "latency", -1);
  const char *url = sim_lua_opt_str(L, 2, f, "relay_url", NULL);
  if (url) cfg.relay_url = url;
  cfg.errors_in_body = sim_lua_opt_flag(L, 2, f, "errors_in_body", true);
  cfg.qc_rate_limit = (uint32_t)sim_lua_opt_int_or(L, 2, f, "qc_rate", SB_CLOUD_QC_RATE_DEFAULT, 0, SB_CLOUD_QC_RATE_MAX);
  cfg.wrap_json_body = sim_lua_opt_flag(L, 2, f, "wrap_json", false);
  sim_cloud *c = sim_cloud_new(w, &cfg);
  if (!c) luaL_error(L, "%s", w->err);
  lcloud *u = lua_newuserdatauv(L, sizeof *u, 1);
  u->c = c;
  luaL_setmetatable(L, "sim.cloud");
  lua_pushvalue(L, 1); /* the world, for the node constructors */
  lua_setiuservalue(L, -2, 1);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &CLOUD_KEY); /* lives until the scenario ends */
  return 1;
}

/* ---- cloud methods -------------------------------------------------------------------------------- */

static int l_cloud_user(lua_State *L) {
  lua_settop(L, 2);
  sim_cloud *c = self_cloud(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const known[] = {"id", "access_token", NULL};
  sim_lua_check_options(L, 2, "cloud:user", known);
  const char *id = sim_lua_opt_str(L, 2, "cloud:user", "id", NULL), *tok = sim_lua_opt_str(L, 2, "cloud:user", "access_token", NULL);
  if (!id || !tok) luaL_error(L, "cloud:user needs id and access_token");
  if (sim_cloud_add_user(c, id, tok) != SB_OK) luaL_error(L, "%s", sim_lua_world(L)->err);
  return 0;
}

/* Call world:<method>(copy of table 2 without `skip` keys, plus `extra`
 * pushed by the caller as a table at the top): the node. A broken option
 * is reported at the scenario's line as a cloud:<method> error. */
static sim_node *make_node(lua_State *L, const char *method, const char *const *skip, const char *mine) {
  int extra = lua_gettop(L);
  lua_newtable(L);
  int copy = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    bool drop = false;
    if (lua_type(L, -2) == LUA_TSTRING)
      for (const char *const *k = skip; *k; k++) drop = drop || !strcmp(*k, lua_tostring(L, -2));
    if (!drop) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_settable(L, copy);
    } else {
      lua_pop(L, 1);
    }
  }
  lua_pushnil(L);
  while (lua_next(L, extra)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, copy);
  }
  lua_getiuservalue(L, 1, 1); /* the world */
  lua_getfield(L, -1, method);
  lua_insert(L, -2);
  lua_pushvalue(L, copy);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    if (lua_type(L, -1) != LUA_TSTRING) lua_error(L); /* a sentinel: as is */
    char from[48], to[160];
    snprintf(from, sizeof from, "for world:%s (known: ", method);
    snprintf(to, sizeof to, "for cloud:%s (known: %s, ", method, mine);
    luaL_gsub(L, lua_tostring(L, -1), from, to);
    luaL_error(L, "%s", lua_tostring(L, -1));
  }
  sim_node *n = sim_lua_node(L, -1);
  lua_settop(L, extra - 1);
  return n;
}

static int l_cloud_daemon(lua_State *L) {
  lua_settop(L, 2);
  sim_cloud *c = self_cloud(L);
  options_arg(L, 2);
  const char *f = "cloud:daemon";
  static const char *const mine[] = {"owner", "api_key", "daemon_id", "quick_connect", "start", NULL};
  sim_cloud_daemon_opts o = {0};
  o.owner = sim_lua_opt_str(L, 2, f, "owner", NULL);
  o.api_key = sim_lua_opt_str(L, 2, f, "api_key", NULL);
  o.daemon_id = sim_lua_opt_str(L, 2, f, "daemon_id", NULL);
  o.quick_connect = sim_lua_opt_flag(L, 2, f, "quick_connect", false);
  bool start = sim_lua_opt_flag(L, 2, f, "start", true);
  lua_createtable(L, 0, 3); /* what listen() needs of the node */
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "connect");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "auto_reconnect");
  if (lua_getfield(L, 2, "ping_interval") == LUA_TNIL) { /* CLOUD-087: a Ping every 45 s */
    lua_pushliteral(L, "45s");
    lua_setfield(L, -3, "ping_interval");
  }
  lua_pop(L, 1);
  sim_node *n = make_node(L, "daemon", mine, "owner, api_key, daemon_id, quick_connect, start");
  sim_world *w = sim_lua_world(L);
  if (sim_cloud_attach_daemon(c, n, &o) != SB_OK) luaL_error(L, "%s", w->err);
  if (start) sim_lua_result(L, sim_cloud_listen_start(c, n));
  sim_lua_push_node(L, n);
  return 1;
}

static int l_cloud_client(lua_State *L) {
  lua_settop(L, 2);
  sim_cloud *c = self_cloud(L);
  options_arg(L, 2);
  const char *f = "cloud:client";
  static const char *const mine[] = {"access_token", "quick_connect", "pins", NULL};
  sim_cloud_client_opts o = {0};
  if (lua_getfield(L, 2, "access_token") == LUA_TBOOLEAN && !lua_toboolean(L, -1))
    o.access_token_throws = true; /* access_token = false: getAccessToken throws */
  lua_pop(L, 1);
  if (!o.access_token_throws) o.access_token = sim_lua_opt_str(L, 2, f, "access_token", NULL);
  o.quick_connect = sim_lua_opt_str(L, 2, f, "quick_connect", NULL);
  const char *pins = sim_lua_opt_str(L, 2, f, "pins", NULL);
  if (pins && strcmp(pins, "memory") && strcmp(pins, "file"))
    luaL_error(L, "cloud:client: pins is \"memory\" or \"file\", not '%s'", pins);
  o.file_pins = pins && !strcmp(pins, "file");
  lua_createtable(L, 0, 1);
  if (o.quick_connect) {
    bool has_daemon = lua_getfield(L, 2, "daemon") != LUA_TNIL;
    lua_pop(L, 1);
    if (has_daemon || o.access_token || o.access_token_throws)
      luaL_error(L, "cloud:client: quick_connect excludes daemon and access_token (one auth mode, CLOUD-010)");
    lua_pushliteral(L, "(quick connect)"); /* the daemon ID comes with the redeem answer */
    lua_setfield(L, -2, "daemon");
  }
  sim_node *n = make_node(L, "client", mine, "access_token, quick_connect, pins");
  if (sim_cloud_attach_client(c, n, &o) != SB_OK) luaL_error(L, "%s", sim_lua_world(L)->err);
  sim_lua_push_node(L, n);
  return 1;
}

static sim_node *daemon_arg(lua_State *L, int idx, const char *fname) {
  sim_node *n = sim_lua_node(L, idx);
  if (n->kind != SIM_DAEMON) luaL_error(L, "%s is for daemons; '%s' is not one", fname, n->name);
  return n;
}

static sim_node *client_arg(lua_State *L, int idx, const char *fname) {
  sim_node *n = sim_lua_node(L, idx);
  if (n->kind != SIM_CLIENT) luaL_error(L, "%s is for clients; '%s' is not one", fname, n->name);
  return n;
}

static int l_cloud_listen(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  return sim_lua_result(L, sim_cloud_listen_start(c, daemon_arg(L, 2, "cloud:listen")));
}

static int l_cloud_close(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  return sim_lua_result(L, sim_cloud_listen_close(c, daemon_arg(L, 2, "cloud:close")));
}

/* cloud:abort(daemon): listen()'s AbortSignal fires (CLOUD-064). */
static int l_cloud_abort(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  return sim_lua_result(L, sim_cloud_listen_abort(c, daemon_arg(L, 2, "cloud:abort")));
}

/* cloud:set_trust(client, "pinned-only"): the policy connect() is given from
 * now on, read at the next negotiation (CLOUD-031). */
static int l_cloud_set_trust(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  sim_node *n = client_arg(L, 2, "cloud:set_trust");
  const char *policy = luaL_checkstring(L, 3);
  if (strcmp(policy, "auto") != 0 && strcmp(policy, "prompt") != 0 && strcmp(policy, "pinned-only") != 0)
    luaL_error(L, "cloud:set_trust: unknown trust policy '%s' (known: auto, prompt, pinned-only)", policy);
  return sim_lua_result(L, sim_cloud_set_trust(c, n, policy));
}

/* A SessionID argument: a client (its session), an integer or 16 hex digits. */
static uint64_t sid_arg(lua_State *L, int idx, const char *fname) {
  if (lua_isinteger(L, idx)) return (uint64_t)lua_tointeger(L, idx);
  if (luaL_testudata(L, idx, "sim.node")) {
    sim_node *n = client_arg(L, idx, fname);
    uint64_t sid = sim_client_session_id(n);
    if (!sid) luaL_error(L, "%s: client '%s' has no session yet", fname, n->name);
    return sid;
  }
  size_t len = 0;
  const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
  uint8_t b[8];
  size_t got = 0;
  if (!s || len != 16 || sb_hex_decode(s, len, b, sizeof b, &got) != SB_OK || got != 8)
    luaL_error(L, "%s: the session must be a client, an integer or 16 hex digits (got %s)", fname,
               luaL_typename(L, idx));
  return sb_load_u64be(b);
}

/* cloud:stop_reading(daemon, sid) / cloud:resume_reading(daemon, sid): the
 * reader of that session stops / resumes reading (CLOUD-085, sim_cloud.h). */
static int l_cloud_stop_reading(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  sim_node *n = daemon_arg(L, 2, "cloud:stop_reading");
  return sim_lua_result(L, sim_cloud_stop_reading(c, n, sid_arg(L, 3, "cloud:stop_reading")));
}

static int l_cloud_resume_reading(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  sim_node *n = daemon_arg(L, 2, "cloud:resume_reading");
  return sim_lua_result(L, sim_cloud_resume_reading(c, n, sid_arg(L, 3, "cloud:resume_reading")));
}

/* cloud:fault{ procedure =, status = | network = true | answer = "not_json" | "no_data",
 *              processed = false, count = 1 } */
static int l_cloud_fault(lua_State *L) {
  lua_settop(L, 2);
  sim_cloud *c = self_cloud(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *f = "cloud:fault";
  static const char *const known[] = {"procedure", "status", "network", "answer", "processed", "count", NULL};
  sim_lua_check_options(L, 2, f, known);
  const char *proc = sim_lua_opt_str(L, 2, f, "procedure", NULL);
  lua_Integer status = sim_lua_opt_int_or(L, 2, f, "status", 0, 400, 599);
  bool network = sim_lua_opt_flag(L, 2, f, "network", false);
  const char *answer = sim_lua_opt_str(L, 2, f, "answer", NULL);
  sb_cloud_fault fault = {SB_CLOUD_FAULT_STATUS, (int)status, sim_lua_opt_flag(L, 2, f, "processed", false)};
  int kinds = (status != 0) + network + (answer != NULL);
  if (kinds != 1) luaL_error(L, "cloud:fault: say one of status = 4xx/5xx, network = true, answer = \"not_json\"|\"no_data\"");
  if (network) fault.kind = SB_CLOUD_FAULT_NETWORK;
  if (answer && !strcmp(answer, "not_json"))
    fault.kind = SB_CLOUD_FAULT_NOT_JSON;
  else if (answer && !strcmp(answer, "no_data"))
    fault.kind = SB_CLOUD_FAULT_NO_DATA;
  else if (answer)
    luaL_error(L, "cloud:fault: answer is \"not_json\" or \"no_data\", not '%s'", answer);
  lua_Integer count = sim_lua_opt_int_or(L, 2, f, "count", 1, 1, SB_CLOUD_SERVER_MAX_FAULTS);
  for (lua_Integer i = 0; i < count; i++)
    if (sim_cloud_fault(c, proc, fault) != SB_OK) luaL_error(L, "%s", sim_lua_world(L)->err);
  return 0;
}

static bool qc_done(void *ctx) {
  void **p = ctx;
  sim_cloud_qc_result r;
  sim_cloud_quick_connect_result(p[0], p[1], &r);
  return r.done;
}

/* cloud:quick_connect(daemon, { ttl = "300s" }): code, url, expires_at; or nil and the status. */
static int l_cloud_quick_connect(lua_State *L) {
  lua_settop(L, 3);
  sim_cloud *c = self_cloud(L);
  sim_node *n = daemon_arg(L, 2, "cloud:quick_connect");
  sb_time_us ttl = SB_TIME_S(SB_CLOUD_QC_TTL_MAX_S);
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"ttl", NULL};
    sim_lua_check_options(L, 3, "cloud:quick_connect", known);
    ttl = sim_lua_opt_dur_or(L, 3, "cloud:quick_connect", "ttl", ttl);
  }
  if (sim_cloud_quick_connect(c, n, (uint32_t)(ttl / SB_TIME_US_PER_S)) != SB_OK)
    luaL_error(L, "%s", sim_lua_world(L)->err);
  void *ctx[2] = {c, n};
  if (!sim_lua_run_until(L, qc_done, ctx, SB_TIME_S(60)))
    sim_lua_fail(L, "cloud:quick_connect(...)", "  no answer from the control plane within 60s\n");
  sim_cloud_qc_result r;
  sim_cloud_quick_connect_result(c, n, &r);
  if (!r.code) {
    lua_pushnil(L);
    lua_pushinteger(L, r.status);
    return 2;
  }
  lua_pushstring(L, r.code);
  lua_pushstring(L, r.url);
  lua_pushinteger(L, (lua_Integer)r.expires_at);
  return 3;
}

static int l_cloud_status(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  sim_node *n = sim_lua_node(L, 2);
  sim_cloud_status s;
  if (sim_cloud_status_of(c, n, &s) != SB_OK) luaL_error(L, "cloud:status: '%s' has no cloud SDK", n->name);
  lua_createtable(L, 0, 8);
  lua_pushstring(L, s.mode);
  lua_setfield(L, -2, "mode");
  if (s.client) {
    lua_pushinteger(L, s.attempts);
    lua_setfield(L, -2, "attempts");
    lua_pushboolean(L, s.redeemed);
    lua_setfield(L, -2, "redeemed");
    lua_pushinteger(L, (lua_Integer)s.pins);
    lua_setfield(L, -2, "pins");
  } else {
    lua_pushstring(L, s.listen);
    lua_setfield(L, -2, "listen");
    lua_pushinteger(L, s.startup_attempt);
    lua_setfield(L, -2, "startup_attempt");
    lua_pushinteger(L, s.loop_attempt);
    lua_setfield(L, -2, "loop_attempt");
    lua_pushinteger(L, (lua_Integer)s.connections);
    lua_setfield(L, -2, "connections");
    lua_pushinteger(L, s.last_delay);
    lua_setfield(L, -2, "last_delay");
    lua_pushboolean(L, s.rejected);
    lua_setfield(L, -2, "rejected");
  }
  return 1;
}

static int l_cloud_pin_file(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  size_t len = 0;
  const char *text = sim_cloud_pin_file(c, client_arg(L, 2, "cloud:pin_file"), &len);
  if (!text) return 0;
  lua_pushlstring(L, text, len);
  return 1;
}

static int l_cloud_set_pin_file(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  sim_node *n = client_arg(L, 2, "cloud:set_pin_file");
  size_t len = 0;
  const char *text = luaL_checklstring(L, 3, &len);
  return sim_lua_result(L, sim_cloud_set_pin_file(c, n, text, len));
}

/* cloud:fingerprint(daemon or 64 hex digits): "SHA256:XX:..." of that
 * identity key (SBRP-TOFU-007). */
static int l_cloud_fingerprint(lua_State *L) {
  self_cloud(L);
  uint8_t key[32];
  const uint8_t *pub = key;
  size_t len = 0, got = 0;
  if (lua_type(L, 2) == LUA_TSTRING && lua_rawlen(L, 2) == 64) {
    const char *hex = lua_tolstring(L, 2, &len);
    if (sb_hex_decode(hex, len, key, sizeof key, &got) != SB_OK || got != 32)
      luaL_error(L, "cloud:fingerprint: '%s' is not 64 hex digits", hex);
  } else {
    sim_node *n = daemon_arg(L, 2, "cloud:fingerprint");
    pub = sim_control_identity(&sim_lua_world(L)->control, n->u.daemon.id);
  }
  char fp[SB_SBRP_FINGERPRINT_SIZE];
  if (!pub || sb_sbrp_handshake_fingerprint(pub, fp, sizeof fp) != SB_OK) return 0;
  lua_pushstring(L, fp);
  return 1;
}

static int l_cloud_index(lua_State *L) {
  sim_cloud *c = self_cloud(L);
  const char *k = luaL_checkstring(L, 2);
  const sb_cloud_server *s = sim_cloud_server(c);
  if (!strcmp(k, "sessions")) { /* session tokens issued (sids) */
    lua_pushinteger(L, (lua_Integer)sb_cloud_server_sid_count(s));
    return 1;
  }
  if (!strcmp(k, "calls")) {
    lua_pushinteger(L, (lua_Integer)sb_cloud_server_calls(s, NULL));
    return 1;
  }
  luaL_getmetafield(L, 1, "methods");
  if (lua_getfield(L, -1, k) == LUA_TNIL) return luaL_error(L, "the cloud has no field or method '%s'", k);
  return 1;
}

/* ---- expect.api / expect.no_api --------------------------------------------------------------------- */

typedef struct api_match {
  const char *what, *procedure, *error, *verdict;
  bool has_status, has_http, network, has_sid;
  int status, http;
  uint64_t sid;
} api_match;

static bool str_is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static bool api_accepts(const sim_rec *r, void *ctx) {
  const api_match *m = ctx;
  if (r->kind != SIM_REC_API || !str_is(r->what, m->what)) return false;
  if (m->procedure && !str_is(r->event, m->procedure)) return false;
  if (m->has_status && r->code != m->status) return false;
  if (m->has_http && r->http != m->http) return false;
  if (m->network && (r->http != 0 || r->code != 0)) return false;
  if (m->error && !str_is(r->from, m->error)) return false;
  if (m->verdict && !str_is(r->to, m->verdict)) return false;
  if (m->has_sid && !(r->has_sid && r->sid == m->sid)) return false;
  return true;
}

static uint64_t sid_opt(lua_State *L, int idx) {
  if (lua_isinteger(L, idx)) return (uint64_t)lua_tointeger(L, idx);
  sim_node *n = sim_lua_node(L, idx);
  if (n->kind != SIM_CLIENT || !sim_client_session_id(n)) luaL_error(L, "option 'sid': '%s' has no session", n->name);
  return sim_client_session_id(n);
}

static void api_options(lua_State *L, int idx, const char *fname, bool negative, api_match *m) {
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  static const char *const pos[] = {"what", "status", "http", "network", "error", "verdict", "sid", "timeout", NULL};
  static const char *const neg[] = {"what", "status", "http", "network", "error", "verdict", "sid", "during", NULL};
  sim_lua_check_options(L, idx, fname, negative ? neg : pos);
  const char *what = sim_lua_opt_str(L, idx, fname, "what", NULL);
  if (what) {
    if (strcmp(what, "call") && strcmp(what, "answer"))
      luaL_error(L, "%s: what is \"call\" or \"answer\", not '%s'", fname, what);
    m->what = what;
  }
  if (lua_getfield(L, idx, "status") != LUA_TNIL) {
    m->has_status = true;
    m->status = (int)luaL_checkinteger(L, -1);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "http") != LUA_TNIL) {
    m->has_http = true;
    m->http = (int)luaL_checkinteger(L, -1);
  }
  lua_pop(L, 1);
  m->network = sim_lua_opt_flag(L, idx, fname, "network", false);
  m->error = sim_lua_opt_str(L, idx, fname, "error", NULL);
  m->verdict = sim_lua_opt_str(L, idx, fname, "verdict", NULL);
  if (m->verdict && strcmp(m->verdict, "fatal") && strcmp(m->verdict, "retryable"))
    luaL_error(L, "%s: verdict is \"fatal\" or \"retryable\", not '%s'", fname, m->verdict);
  if (lua_getfield(L, idx, "sid") != LUA_TNIL) {
    m->has_sid = true;
    m->sid = sid_opt(L, -1);
  }
  lua_pop(L, 1);
}

/* The members of the answer's result.data that are strings or numbers. */
static void push_data(lua_State *L, const sim_rec *r) {
  cJSON *root = r->text ? cJSON_Parse(r->text) : NULL;
  const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "result");
  const cJSON *data = cJSON_GetObjectItemCaseSensitive(res, "data");
  if (!cJSON_IsObject(data)) {
    cJSON_Delete(root);
    return;
  }
  lua_newtable(L);
  for (const cJSON *it = data->child; it; it = it->next) {
    if (cJSON_IsString(it))
      lua_pushstring(L, it->valuestring);
    else if (cJSON_IsNumber(it))
      lua_pushnumber(L, it->valuedouble);
    else
      continue;
    lua_setfield(L, -2, it->string);
  }
  lua_setfield(L, -2, "data");
  cJSON_Delete(root);
}

static void push_api_record(lua_State *L, const sim_rec *r) {
  lua_createtable(L, 0, 10);
  lua_pushinteger(L, r->t);
  lua_setfield(L, -2, "t");
  lua_pushstring(L, r->what);
  lua_setfield(L, -2, "what");
  lua_pushstring(L, r->event);
  lua_setfield(L, -2, "procedure");
  if (r->text) {
    lua_pushstring(L, r->text);
    lua_setfield(L, -2, "body");
  }
  if (!str_is(r->what, "answer")) return;
  if (r->code) {
    lua_pushinteger(L, r->code);
    lua_setfield(L, -2, "status");
  }
  if (r->http) {
    lua_pushinteger(L, r->http);
    lua_setfield(L, -2, "http");
  }
  if (r->from) {
    lua_pushstring(L, r->from);
    lua_setfield(L, -2, "error");
  }
  if (r->to) {
    lua_pushstring(L, r->to);
    lua_setfield(L, -2, "verdict");
  }
  if (r->has_sid) {
    lua_pushinteger(L, (lua_Integer)r->sid);
    lua_setfield(L, -2, "sid");
  }
  push_data(L, r);
}

static int expect_api(lua_State *L, bool negative) {
  lua_settop(L, 3);
  const char *fname = negative ? "expect.no_api" : "expect.api";
  sim_world *w = sim_lua_world(L);
  sim_node *n = sim_lua_node(L, 1);
  api_match m = {.what = negative ? "call" : "answer"};
  if (!lua_isnil(L, 2)) m.procedure = luaL_checkstring(L, 2);
  api_options(L, 3, fname, negative, &m);
  const char *what = sim_lua_describe(L, negative ? "no_api" : "api", 3);
  sb_time_us t = sim_lua_timeout(L, 3, fname, negative ? "during" : "timeout");
  size_t at = sim_lua_expect(L, n, SIM_CUR_API, api_accepts, &m, t, negative, what);
  if (negative) return 0;
  push_api_record(L, sim_trace_rec(&w->trace, at));
  return 1;
}

static int l_expect_api(lua_State *L) { return expect_api(L, false); }
static int l_expect_no_api(lua_State *L) { return expect_api(L, true); }

/* ---- installing ----------------------------------------------------------------------------------- */

void sim_lua_cloud_install(lua_State *L) {
  luaL_newmetatable(L, "sim.cloud");
  static const luaL_Reg methods[] = {{"user", l_cloud_user},
                                     {"daemon", l_cloud_daemon},
                                     {"client", l_cloud_client},
                                     {"listen", l_cloud_listen},
                                     {"close", l_cloud_close},
                                     {"abort", l_cloud_abort},
                                     {"set_trust", l_cloud_set_trust},
                                     {"stop_reading", l_cloud_stop_reading},
                                     {"resume_reading", l_cloud_resume_reading},
                                     {"fault", l_cloud_fault},
                                     {"quick_connect", l_cloud_quick_connect},
                                     {"status", l_cloud_status},
                                     {"pin_file", l_cloud_pin_file},
                                     {"set_pin_file", l_cloud_set_pin_file},
                                     {"fingerprint", l_cloud_fingerprint},
                                     {NULL, NULL}};
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "methods");
  lua_pushcfunction(L, l_cloud_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, l_cloud_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  /* world:cloud{} */
  luaL_getmetatable(L, "sim.world");
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, l_world_cloud);
  lua_setfield(L, -2, "cloud");
  lua_pop(L, 2);
  /* expect.api, expect.no_api */
  lua_getglobal(L, "expect");
  lua_pushcfunction(L, l_expect_api);
  lua_setfield(L, -2, "api");
  lua_pushcfunction(L, l_expect_no_api);
  lua_setfield(L, -2, "no_api");
  lua_pop(L, 1);
}
