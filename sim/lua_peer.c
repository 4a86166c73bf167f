/*
 * Lua bindings of the peer runtime (sim_peer.h), documented in
 * scenarios/README.md ("Applications on top: SBP peers"): world:peer{},
 * world:peer_server{}, the peers' methods and fields, accepted peers,
 * sim.sbp{} / sim.sbp_decode() / sim.json() / sim.null, and expect.rpc,
 * expect.event, expect.request, expect.peer_state, expect.lifecycle,
 * expect.settled, expect.sbp, expect.unhandled, expect.retry,
 * expect.fresh_ids (and their no_ forms). Installed by the Lua host
 * (sim_lua_peer_install); options, nodes and expectations behave as the
 * host's own (lua_host.h).
 *
 * JSON values: Lua tables become objects (keys sorted, so the bytes are the
 * same in every run) or arrays (a non-empty sequence, or sim.array{...}),
 * sim.null is JSON null, sim.json("...") is raw JSON text.
 */
#define _POSIX_C_SOURCE 200809L
#include <cJSON.h>
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "lua_host.h"
#include "sbp/frame.h"
#include "sim_peer.h"
#include "sim_router.h"

static const char NULL_KEY = 'n', ARRAY_MT = 'a';

/* ---- JSON <-> Lua ------------------------------------------------------------------------ */

typedef struct jbox {
  cJSON *v;
} jbox;

static int l_jbox_gc(lua_State *L) {
  jbox *b = luaL_checkudata(L, 1, "sim.jbox");
  cJSON_Delete(b->v);
  b->v = NULL;
  return 0;
}

/* A box on the stack owning `v` (freed by the GC, also when an error unwinds). */
static cJSON *box(lua_State *L, cJSON *v) {
  jbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->v = v;
  luaL_setmetatable(L, "sim.jbox");
  return v;
}

static bool is_null(lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == (void *)&NULL_KEY;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static cJSON *to_json_r(lua_State *L, int idx, const char *what, int depth);

static cJSON *table_to_json(lua_State *L, int idx, const char *what, int depth) {
  if (luaL_getmetafield(L, idx, "__json") != LUA_TNIL) { /* sim.json("...") */
    size_t n = 0;
    const char *text = lua_tolstring(L, -1, &n);
    cJSON *v = cJSON_ParseWithLength(text, n);
    lua_pop(L, 1);
    if (!v) luaL_error(L, "%s: sim.json text does not parse: %s", what, text);
    return v;
  }
  bool array = false;
  if (lua_getmetatable(L, idx)) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &ARRAY_MT);
    array = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
  }
  lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
  if (array || len > 0) {
    cJSON *a = cJSON_CreateArray();
    for (lua_Integer k = 1; k <= len; k++) {
      lua_rawgeti(L, idx, k);
      cJSON *item = to_json_r(L, lua_gettop(L), what, depth + 1);
      lua_pop(L, 1);
      cJSON_AddItemToArray(a, item ? item : cJSON_CreateNull());
    }
    return a;
  }
  /* keys sorted: the same JSON text in every run (pairs() order is not fixed) */
  size_t nk = 0, cap = 8;
  const char **keys = malloc(cap * sizeof *keys);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      free(keys);
      luaL_error(L, "%s: a JSON object's keys are strings", what);
    }
    if (nk == cap) keys = realloc(keys, (cap *= 2) * sizeof *keys);
    keys[nk++] = lua_tostring(L, -1);
  }
  qsort(keys, nk, sizeof *keys, cmp_str);
  cJSON *o = cJSON_CreateObject();
  for (size_t k = 0; k < nk; k++) {
    lua_getfield(L, idx, keys[k]);
    cJSON *item = to_json_r(L, lua_gettop(L), what, depth + 1);
    lua_pop(L, 1);
    cJSON_AddItemToObject(o, keys[k], item ? item : cJSON_CreateNull());
  }
  free(keys);
  return o;
}

static cJSON *to_json_r(lua_State *L, int idx, const char *what, int depth) {
  if (depth > 64) luaL_error(L, "%s: a JSON value nested deeper than 64 levels", what);
  switch (lua_type(L, idx)) {
    case LUA_TNIL: return NULL;
    case LUA_TBOOLEAN: return cJSON_CreateBool(lua_toboolean(L, idx));
    case LUA_TNUMBER: return cJSON_CreateNumber(lua_tonumber(L, idx));
    case LUA_TSTRING: return cJSON_CreateString(lua_tostring(L, idx));
    case LUA_TTABLE: return table_to_json(L, idx, what, depth);
    case LUA_TLIGHTUSERDATA:
      if (is_null(L, idx)) return cJSON_CreateNull();
      /* fall through */
    default: luaL_error(L, "%s: a %s is not a JSON value", what, luaL_typename(L, idx));
  }
  return NULL;
}

/* The JSON value at `idx` (NULL for nil), boxed on the stack. */
static cJSON *to_json(lua_State *L, int idx, const char *what) {
  idx = lua_absindex(L, idx);
  cJSON *v = box(L, NULL);
  jbox *b = lua_touserdata(L, -1);
  b->v = v = to_json_r(L, idx, what, 0);
  return v;
}

static void push_json(lua_State *L, const cJSON *v) {
  if (!v || cJSON_IsNull(v)) {
    lua_pushlightuserdata(L, (void *)&NULL_KEY);
  } else if (cJSON_IsBool(v)) {
    lua_pushboolean(L, cJSON_IsTrue(v));
  } else if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
      lua_pushinteger(L, (lua_Integer)d);
    else
      lua_pushnumber(L, d);
  } else if (cJSON_IsString(v)) {
    lua_pushstring(L, v->valuestring);
  } else if (cJSON_IsArray(v)) {
    lua_createtable(L, cJSON_GetArraySize(v), 0);
    int k = 1;
    for (const cJSON *it = v->child; it; it = it->next) {
      push_json(L, it);
      lua_rawseti(L, -2, k++);
    }
  } else if (cJSON_IsObject(v)) {
    lua_newtable(L);
    for (const cJSON *it = v->child; it; it = it->next) {
      push_json(L, it);
      lua_setfield(L, -2, it->string);
    }
  } else {
    lua_pushnil(L);
  }
}

cJSON *sim_lua_to_json(lua_State *L, int idx, const char *what) {
  idx = lua_absindex(L, idx);
  cJSON *v = to_json(L, idx, what); /* boxed */
  cJSON *copy = v ? cJSON_Duplicate(v, 1) : NULL;
  lua_pop(L, 1);
  return copy;
}

void sim_lua_push_json(lua_State *L, const cJSON *v) { push_json(L, v); }

static int l_json(lua_State *L) {
  size_t n = 0;
  const char *text = luaL_checklstring(L, 1, &n);
  cJSON *v = cJSON_ParseWithLength(text, n);
  if (!v) return luaL_error(L, "sim.json: '%s' is not JSON", text);
  cJSON_Delete(v);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "__json");
  lua_setmetatable(L, -2);
  return 1;
}

static int l_array(lua_State *L) {
  if (lua_isnoneornil(L, 1)) lua_newtable(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &ARRAY_MT);
  lua_setmetatable(L, 1);
  return 1;
}

/* ---- peers as Lua values --------------------------------------------------------------------- */

typedef struct lacc {
  int node;
  uint32_t k;
} lacc;

/* What an action or expectation addresses. */
typedef struct target {
  sim_node *n;
  sim_peer_inst *i; /* NULL: any accepted peer of a server */
  uint32_t k;       /* accepted peer number, 0 otherwise */
} target;

static void push_accepted(lua_State *L, sim_node *n, uint32_t k) {
  lacc *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->node = n->index;
  u->k = k;
  luaL_setmetatable(L, "sim.accepted");
}

static target target_at(lua_State *L, int idx, const char *fname) {
  target t = {0};
  lacc *u = luaL_testudata(L, idx, "sim.accepted");
  if (u) {
    t.n = sim_lua_world(L)->nodes[u->node];
    t.k = u->k;
    t.i = sim_peer_inst_of(t.n, u->k);
    return t;
  }
  if (!luaL_testudata(L, idx, "sim.node") && lua_type(L, idx) != LUA_TSTRING)
    luaL_error(L, "%s: argument #%d must be a peer, a peer server or an accepted peer (got %s)", fname, idx,
               luaL_typename(L, idx));
  t.n = sim_lua_node(L, idx);
  if (t.n->kind != SIM_PEER)
    luaL_error(L, "%s is for peers; '%s' is not one (world:peer{} / world:peer_server{})", fname, t.n->name);
  t.i = sim_peer_inst_of(t.n, 0);
  return t;
}

/* The instance an action needs (a server's accepted peer must be named). */
static sim_peer_inst *inst_at(lua_State *L, int idx, const char *fname) {
  target t = target_at(L, idx, fname);
  if (!t.i)
    luaL_error(L, "%s: '%s' is a peer server; name one of its peers (server:accepted(n))", fname, t.n->name);
  return t.i;
}

/* ---- world:peer{} / world:peer_server{} ---------------------------------------------------------- */

static void retry_opt(lua_State *L, int idx, const char *fname, sb_peer_retry_policy *p) {
  int t = lua_getfield(L, idx, "retry");
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  int r = lua_gettop(L);
  const char *preset = NULL;
  if (t == LUA_TSTRING) {
    preset = lua_tostring(L, r);
  } else if (t == LUA_TTABLE) {
    static const char *const known[] = {"preset", "mode", "initial", "max", "jitter", "attempts", NULL};
    sim_lua_check_options(L, r, "retry", known);
    preset = sim_lua_opt_str(L, r, "retry", "preset", NULL);
  } else {
    luaL_error(L, "option 'retry' of %s is a table or a preset name (got %s)", fname, luaL_typename(L, r));
  }
  if (preset) {
    if (!strcmp(preset, "upstream") || !strcmp(preset, "default"))
      *p = SB_PEER_RETRY_POLICY_DEFAULT;
    else if (!strcmp(preset, "sidecar"))
      *p = SB_PEER_RETRY_POLICY_SIDECAR;
    else if (!strcmp(preset, "on-error")) {
      *p = SB_PEER_RETRY_POLICY_DEFAULT;
      p->mode = SB_PEER_RETRY_ON_ERROR;
    } else
      luaL_error(L, "retry: preset is \"upstream\", \"sidecar\" or \"on-error\", not '%s'", preset);
  }
  if (t == LUA_TTABLE) {
    const char *mode = sim_lua_opt_str(L, r, "retry", "mode", NULL);
    if (mode && !strcmp(mode, "on-error"))
      p->mode = SB_PEER_RETRY_ON_ERROR;
    else if (mode && !strcmp(mode, "never"))
      p->mode = SB_PEER_RETRY_NEVER;
    else if (mode)
      luaL_error(L, "retry: mode is \"on-error\" or \"never\", not '%s'", mode);
    sb_time_us d;
    if (sim_lua_opt_dur(L, r, "retry", "initial", &d)) p->initial_delay_ms = (double)d / 1000.0;
    if (sim_lua_opt_dur(L, r, "retry", "max", &d)) p->max_delay_ms = (double)d / 1000.0;
    if (lua_getfield(L, r, "jitter") != LUA_TNIL) {
      if (!lua_isnumber(L, -1)) luaL_error(L, "option 'jitter' of retry must be a number");
      p->jitter = lua_tonumber(L, -1);
      if (!(p->jitter >= 0 && p->jitter <= 1)) luaL_error(L, "retry: jitter must be between 0 and 1");
    }
    lua_pop(L, 1);
    lua_Integer a;
    if (sim_lua_opt_int(L, r, "retry", "attempts", 0, UINT32_MAX, &a)) p->max_attempts = (uint32_t)a;
  }
  lua_pop(L, 1);
}

static cJSON *caps_opt(lua_State *L, int idx, const char *fname) {
  if (lua_getfield(L, idx, "caps") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  if (!lua_istable(L, -1)) luaL_error(L, "option 'caps' of %s is a list of strings", fname);
  cJSON *a = cJSON_CreateArray();
  lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer k = 1; k <= len; k++) {
    if (lua_rawgeti(L, -1, k) != LUA_TSTRING) {
      cJSON_Delete(a);
      luaL_error(L, "option 'caps' of %s: entry %d is not a string", fname, (int)k);
    }
    cJSON_AddItemToArray(a, cJSON_CreateString(lua_tostring(L, -1)));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return a;
}

static cJSON *metadata_opt(lua_State *L, int idx, const char *fname) {
  if (lua_getfield(L, idx, "metadata") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  if (!lua_istable(L, -1)) luaL_error(L, "option 'metadata' of %s is a table of strings", fname);
  char what[64];
  snprintf(what, sizeof what, "option 'metadata' of %s", fname);
  cJSON *v = to_json(L, -1, what); /* boxed */
  jbox *b = lua_touserdata(L, -1);
  b->v = NULL; /* taken over */
  lua_pop(L, 2);
  if (v && !cJSON_IsObject(v)) {
    cJSON_Delete(v);
    luaL_error(L, "%s must be a table of strings", what);
  }
  return v;
}

static int add_peer(lua_State *L, bool server) {
  sim_world *w = sim_lua_world(L);
  if (lua_isnoneornil(L, 2)) lua_newtable(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *f = server ? "world:peer_server" : "world:peer";
  static const char *const kc[] = {"name", "peer_id", "random_peer_id", "via", "server", "raw", "caps", "metadata",
                                   "handshake_timeout", "on_disconnect", "buffer", "timeout", "max_events",
                                   "retry", "close_frames", "connect", "upstream_silent_failure",
                                   "upstream_ignore_control", "upstream_try_call", "upstream_silent_envelopes",
                                   "guide_queued_timeouts", NULL};
  static const char *const ks[] = {"name", "peer_id", "random_peer_id", "via", "raw", "caps", "metadata", "handshake_timeout",
                                   "timeout", "max_events", "close_frames", "upstream_silent_failure",
                                   "upstream_ignore_control", "upstream_silent_envelopes",
                                   /* plain transport limits; the Router (lua_router.c) */
                                   "max_message", "idle_timeout", "router", "acks", "rpc_timeout",
                                   "method_timeouts", "max_frame", "max_error_details", "throttle",
                                   "upstream_envelopes", NULL};
  sim_lua_check_options(L, 2, f, server ? ks : kc);
  sim_peer_opts o;
  sim_peer_opts_default(&o);
  o.server = server;
  o.name = sim_lua_opt_str(L, 2, f, "name", NULL);
  o.peer_id = sim_lua_opt_str(L, 2, f, "peer_id", NULL);
  o.random_peer_id = sim_lua_opt_flag(L, 2, f, "random_peer_id", -1) == 1;
  int flag = sim_lua_opt_flag(L, 2, f, "raw", -1);
  o.raw = flag == 1;
  if (lua_getfield(L, 2, "via") != LUA_TNIL) o.via = sim_lua_node(L, -1);
  lua_pop(L, 1);
  if (!server) {
    if (lua_getfield(L, 2, "server") != LUA_TNIL) o.target = sim_lua_node(L, -1);
    lua_pop(L, 1);
    if (!o.via && !o.target) luaL_error(L, "%s: say what it runs on (via = client, or server = peer_server)", f);
    if (o.via && o.target) luaL_error(L, "%s: via (SBRP) and server (plain) exclude each other", f);
  }
  sb_time_us d;
  if (sim_lua_opt_dur(L, 2, f, "handshake_timeout", &d)) o.cfg.negotiator.handshake_timeout = d;
  if (sim_lua_opt_dur(L, 2, f, "timeout", &d)) o.cfg.default_timeout = d;
  lua_Integer v;
  if (sim_lua_opt_int(L, 2, f, "buffer", 0, INT64_MAX, &v)) o.cfg.disconnect_buffer_limit = (uint64_t)v;
  if (sim_lua_opt_int(L, 2, f, "max_events", 0, SB_PEER_MAX_BUFFERED_EVENTS, &v)) o.cfg.max_buffered_events = (uint32_t)v;
  const char *od = sim_lua_opt_str(L, 2, f, "on_disconnect", NULL);
  if (od && !strcmp(od, "pause"))
    o.cfg.on_disconnect = SB_PEER_ON_DISCONNECT_PAUSE;
  else if (od && strcmp(od, "fail"))
    luaL_error(L, "%s: on_disconnect is \"fail\" or \"pause\", not '%s'", f, od);
  retry_opt(L, 2, f, &o.cfg.retry);
  if ((flag = sim_lua_opt_flag(L, 2, f, "close_frames", -1)) >= 0) o.cfg.send_close_frame = flag;
  if (sim_lua_opt_flag(L, 2, f, "upstream_silent_failure", -1) == 1) o.cfg.negotiator.upstream_silent_failure = true;
  if (sim_lua_opt_flag(L, 2, f, "upstream_ignore_control", -1) == 1) o.cfg.negotiator.upstream_ignore_control = true;
  if (sim_lua_opt_flag(L, 2, f, "upstream_try_call", -1) == 1) o.cfg.upstream_try_call = true;
  if (sim_lua_opt_flag(L, 2, f, "upstream_silent_envelopes", -1) == 1) o.cfg.upstream_silent_envelopes = true;
  if (sim_lua_opt_flag(L, 2, f, "guide_queued_timeouts", -1) == 1) o.cfg.guide_queued_timeouts = true;
  bool connect = sim_lua_opt_flag(L, 2, f, "connect", -1) == 1;
  sim_router_opts ro;
  bool router = server && sim_lua_router_options(L, 2, f, &ro);
  if (server) {
    if (sim_lua_opt_int(L, 2, f, "max_message", 1, UINT32_MAX, &v)) o.max_message = (uint32_t)v;
    sim_lua_opt_dur(L, 2, f, "idle_timeout", &o.idle_timeout);
    if ((o.max_message || o.idle_timeout) && o.via)
      luaL_error(L, "%s: max_message and idle_timeout are for plain servers", f);
  }
  if (router) {
    if (o.via || o.raw) luaL_error(L, "%s: a Router server is plain and runs the router (no via, no raw)", f);
    o.raw = true; /* no peer machine: the router serves the connections */
    ro.peer_id = o.peer_id;
    ro.handshake_timeout = o.cfg.negotiator.handshake_timeout;
    ro.upstream_silent_failure = o.cfg.negotiator.upstream_silent_failure;
    ro.upstream_ignore_control = o.cfg.negotiator.upstream_ignore_control;
  }
  o.caps = caps_opt(L, 2, f);
  o.metadata = metadata_opt(L, 2, f);
  sim_node *n = sim_world_add_peer(w, &o);
  cJSON_Delete(o.caps);
  cJSON_Delete(o.metadata);
  if (!n) return luaL_error(L, "%s: %s", f, w->err);
  if (router && sim_router_attach(n, &ro) != 0) return luaL_error(L, "%s: %s", f, w->err);
  if (connect) {
    int rc = sim_peer_connect(sim_peer_inst_of(n, 0));
    if (rc) return luaL_error(L, "%s: connect: %s", f, w->err);
  }
  sim_lua_push_node(L, n);
  return 1;
}

/* world:frames_checked(): SBP frames / Data plaintexts the layer invariant compared so far. */
static int l_world_frames_checked(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)sim_invariant_checked(sim_lua_world(L)));
  return 1;
}

static int l_world_peer(lua_State *L) { return add_peer(L, false); }
static int l_world_peer_server(lua_State *L) { return add_peer(L, true); }

/* ---- actions ------------------------------------------------------------------------------------ */

static int result(lua_State *L, int rc) { return sim_lua_result(L, rc); }

static int l_call_common(lua_State *L, bool try_call) {
  lua_settop(L, 4);
  const char *fname = try_call ? "try_call" : "call";
  sim_peer_inst *i = inst_at(L, 1, fname);
  const char *method = luaL_checkstring(L, 2);
  cJSON *params = to_json(L, 3, "call's params");
  sim_call_opts o = {.try_call = try_call};
  char tag[SIM_PEER_TAG_MAX];
  const char *t = NULL;
  if (!lua_isnil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    static const char *const known[] = {"timeout", "tag", "aborted", NULL};
    sim_lua_check_options(L, 4, fname, known);
    o.has_timeout = sim_lua_opt_dur(L, 4, fname, "timeout", &o.timeout);
    o.aborted = sim_lua_opt_flag(L, 4, fname, "aborted", -1) == 1;
    t = sim_lua_opt_str(L, 4, fname, "tag", NULL);
  }
  if (!t) {
    for (unsigned k = 1;; k++) {
      snprintf(tag, sizeof tag, "call%u", k);
      if (sim_peer_call_started(i, tag) < 0) break;
    }
    t = tag;
  }
  lua_pushstring(L, t);
  int rc = sim_peer_call(i, lua_tostring(L, -1), method, params, &o);
  if (rc) return result(L, rc);
  sim_lua_result(L, 0); /* internal errors stop here */
  lua_pushstring(L, t);
  return 1;
}

static int l_call(lua_State *L) { return l_call_common(L, false); }
static int l_try_call(lua_State *L) { return l_call_common(L, true); }

static int l_cancel(lua_State *L) {
  sim_peer_inst *i = inst_at(L, 1, "cancel");
  return result(L, sim_peer_cancel(i, luaL_checkstring(L, 2)));
}

static void spec_from(lua_State *L, int idx, const char *fname, sim_handler_spec *s) {
  memset(s, 0, sizeof *s);
  if (lua_isnoneornil(L, idx)) return; /* result omitted */
  luaL_checktype(L, idx, LUA_TTABLE);
  static const char *const known[] = {"result", "echo", "error", "code", "data", "delay", "defer", NULL};
  sim_lua_check_options(L, idx, fname, known);
  lua_getfield(L, idx, "result");
  cJSON *r = to_json(L, -1, "handler result");
  const char *err = sim_lua_opt_str(L, idx, fname, "error", NULL);
  lua_getfield(L, idx, "data");
  cJSON *data = to_json(L, -1, "handler error data");
  if (sim_lua_opt_flag(L, idx, fname, "defer", -1) == 1)
    s->kind = SIM_HANDLER_DEFER;
  else if (err)
    s->kind = SIM_HANDLER_ERROR;
  else if (sim_lua_opt_flag(L, idx, fname, "echo", -1) == 1)
    s->kind = SIM_HANDLER_ECHO;
  lua_Integer code = 0;
  if (sim_lua_opt_int(L, idx, fname, "code", INT32_MIN, INT32_MAX, &code)) s->code = (double)code;
  sim_lua_opt_dur(L, idx, fname, "delay", &s->delay);
  s->result = r ? cJSON_Duplicate(r, true) : NULL;
  s->data = data ? cJSON_Duplicate(data, true) : NULL;
  s->message = err ? strdup(err) : NULL;
  lua_pop(L, 4);
}

/* peer:handle(method, { result = v | echo = true | error = "msg", code =, data = | defer = true, delay = "1s" }) */
static int l_handle(lua_State *L) {
  lua_settop(L, 3);
  target t = target_at(L, 1, "handle");
  const char *method = luaL_checkstring(L, 2);
  sim_handler_spec s;
  spec_from(L, 3, "handle", &s);
  uint32_t id = 0;
  int rc = sim_peer_handle(t.n, method, &s, &id);
  if (rc) return result(L, rc);
  lua_pushinteger(L, id);
  return 1;
}

static int l_unhandle(lua_State *L) {
  target t = target_at(L, 1, "unhandle");
  return result(L, sim_peer_unhandle(t.n, (uint32_t)luaL_checkinteger(L, 2)));
}

/* peer:reply(method_or_nil, { result = ... } ): answer the oldest deferred request. */
static int l_reply(lua_State *L) {
  lua_settop(L, 3);
  target t = target_at(L, 1, "reply");
  const char *method = lua_isnil(L, 2) ? NULL : luaL_checkstring(L, 2);
  sim_handler_spec s;
  spec_from(L, 3, "reply", &s);
  if (s.kind == SIM_HANDLER_DEFER) {
    sim_handler_spec_free(&s);
    return luaL_error(L, "reply: a reply cannot defer again");
  }
  return result(L, sim_peer_reply(t.n, t.k ? t.i : NULL, method, &s));
}

static int subscribe(lua_State *L, bool pattern) {
  lua_settop(L, 3);
  const char *fname = pattern ? "on_pattern" : "on";
  target t = target_at(L, 1, fname);
  const char *name = luaL_checkstring(L, 2);
  bool throws = false;
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"throws", NULL};
    sim_lua_check_options(L, 3, fname, known);
    throws = sim_lua_opt_flag(L, 3, fname, "throws", -1) == 1;
  }
  uint32_t id = 0;
  int rc = sim_peer_on(t.n, name, pattern, throws, &id);
  if (rc) return result(L, rc);
  lua_pushinteger(L, id);
  return 1;
}

static int l_on(lua_State *L) { return subscribe(L, false); }
static int l_on_pattern(lua_State *L) { return subscribe(L, true); }

static int l_off(lua_State *L) {
  target t = target_at(L, 1, "off");
  return result(L, sim_peer_off(t.n, (uint32_t)luaL_checkinteger(L, 2)));
}

static int l_emit(lua_State *L) {
  lua_settop(L, 3);
  sim_peer_inst *i = inst_at(L, 1, "emit");
  const char *name = luaL_checkstring(L, 2);
  cJSON *data = to_json(L, 3, "emit's data");
  return result(L, sim_peer_emit(i, name, data));
}

static int l_disconnect(lua_State *L) { return result(L, sim_peer_disconnect(inst_at(L, 1, "disconnect"))); }

static int l_when_ready(lua_State *L) {
  lua_settop(L, 3);
  sim_peer_inst *i = inst_at(L, 1, "when_ready");
  lua_Integer tag = luaL_checkinteger(L, 2);
  bool aborted = false;
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"aborted", NULL};
    sim_lua_check_options(L, 3, "when_ready", known);
    aborted = sim_lua_opt_flag(L, 3, "when_ready", "aborted", -1) == 1;
  }
  return result(L, sim_peer_when_ready(i, (uint64_t)tag, aborted));
}

static int l_cancel_when_ready(lua_State *L) {
  sim_peer_inst *i = inst_at(L, 1, "cancel_when_ready");
  return result(L, sim_peer_when_ready_cancel(i, (uint64_t)luaL_checkinteger(L, 2)));
}

static int l_accepted(lua_State *L) {
  target t = target_at(L, 1, "accepted");
  if (!sim_peer_is_server(t.n)) return luaL_error(L, "accepted is for peer servers; '%s' is a peer", t.n->name);
  uint32_t count = sim_peer_accepted_count(t.n);
  lua_Integer k = luaL_optinteger(L, 2, count);
  if (k < 1 || k > (lua_Integer)count) {
    lua_pushnil(L);
    return 1;
  }
  push_accepted(L, t.n, (uint32_t)k);
  return 1;
}

/* server:connection(peer_id): the live accepted peer with that remote peerId (connections map). */
static int l_connection(lua_State *L) {
  target t = target_at(L, 1, "connection");
  sim_peer_inst *i = sim_peer_connection(t.n, luaL_checkstring(L, 2));
  if (!i) return 0;
  push_accepted(L, t.n, sim_peer_inst_index(i));
  return 1;
}

static int my_connect(lua_State *L) { return result(L, sim_peer_connect(inst_at(L, 1, "connect"))); }
static int my_close(lua_State *L) {
  target t = target_at(L, 1, "close");
  if (sim_peer_is_server(t.n)) return result(L, sim_peer_server_close(t.n));
  return result(L, sim_peer_disconnect(t.i));
}
static int my_send_raw(lua_State *L) {
  sim_peer_inst *i = inst_at(L, 1, "send_raw");
  size_t len = 0;
  const char *b = luaL_checklstring(L, 2, &len);
  return result(L, sim_peer_send_raw(i, (const uint8_t *)b, len));
}
static int my_drop(lua_State *L) { return result(L, sim_peer_drop_connection(inst_at(L, 1, "drop_connection"))); }


/* Fields of a peer instance. */
static bool inst_field(lua_State *L, sim_peer_inst *i, const char *k) {
  sb_peer *p = sim_peer_machine(i);
  if (!strcmp(k, "state")) {
    lua_pushstring(L, sim_peer_state_name(i));
  } else if (!strcmp(k, "ready")) {
    lua_pushboolean(L, p && sb_peer_ready(p));
  } else if (!strcmp(k, "connected")) {
    lua_pushboolean(L, p ? sb_peer_connected(p) : sim_peer_inst_open(i));
  } else if (!strcmp(k, "reconnecting")) {
    lua_pushboolean(L, p && sb_peer_reconnecting_pending(p));
  } else if (!strcmp(k, "remote_id")) {
    const char *id = p ? sb_peer_remote_id(p) : NULL;
    if (id)
      lua_pushstring(L, id);
    else
      lua_pushnil(L);
  } else if (!strcmp(k, "session")) {
    lua_pushinteger(L, p ? (lua_Integer)sb_peer_session_of(p) : 0);
  } else if (!strcmp(k, "sid")) {
    lua_pushinteger(L, (lua_Integer)sim_peer_inst_sid(i));
  } else if (!strcmp(k, "queued")) {
    lua_pushinteger(L, p ? (lua_Integer)sb_peer_rpc_queued(p) : 0);
  } else if (!strcmp(k, "queued_bytes")) {
    lua_pushinteger(L, p ? (lua_Integer)sb_peer_rpc_queued_bytes(p) : 0);
  } else if (!strcmp(k, "in_flight")) {
    lua_pushinteger(L, p ? (lua_Integer)sb_peer_rpc_in_flight(p) : 0);
  } else if (!strcmp(k, "buffered_events")) {
    lua_pushinteger(L, p ? (lua_Integer)sb_peer_events_buffered(p) : 0);
  } else if (!strcmp(k, "index")) {
    lua_pushinteger(L, sim_peer_inst_index(i));
  } else {
    return false;
  }
  return true;
}

bool sim_lua_peer_index(lua_State *L, sim_node *n, const char *k) {
  static const luaL_Reg own[] = {{"connect", my_connect},
                                 {"close", my_close},
                                 {"send_raw", my_send_raw},
                                 {"drop_connection", my_drop},
                                 {NULL, NULL}};
  for (const luaL_Reg *r = own; r->name; r++)
    if (!strcmp(k, r->name)) {
      lua_pushcfunction(L, r->func);
      return true;
    }
  if (sim_peer_is_server(n)) {
    if (!strcmp(k, "connections")) {
      lua_pushinteger(L, sim_peer_connections(n));
      return true;
    }
    if (!strcmp(k, "accepted_count")) {
      lua_pushinteger(L, sim_peer_accepted_count(n));
      return true;
    }
    return false;
  }
  return strcmp(k, "state") && inst_field(L, sim_peer_inst_of(n, 0), k);
}

static int l_acc_index(lua_State *L) {
  lacc *u = luaL_checkudata(L, 1, "sim.accepted");
  const char *k = luaL_checkstring(L, 2);
  sim_node *n = sim_lua_world(L)->nodes[u->node];
  sim_peer_inst *i = sim_peer_inst_of(n, u->k);
  if (!strcmp(k, "server")) {
    sim_lua_push_node(L, n);
    return 1;
  }
  if (inst_field(L, i, k)) return 1;
  luaL_getmetafield(L, 1, "methods");
  if (lua_getfield(L, -1, k) == LUA_TNIL)
    return luaL_error(L, "an accepted peer has no field or method '%s'", k);
  return 1;
}

static int l_acc_tostring(lua_State *L) {
  lacc *u = luaL_checkudata(L, 1, "sim.accepted");
  lua_pushfstring(L, "accepted peer %d of '%s'", (int)u->k, sim_lua_world(L)->nodes[u->node]->name);
  return 1;
}

/* ---- sim.sbp{} / sim.sbp_decode() ----------------------------------------------------------- */

static int kind_code(lua_State *L, int idx) {
  if (lua_isinteger(L, idx)) return (int)lua_tointeger(L, idx) & 0xff;
  const char *s = luaL_checkstring(L, idx);
  for (int k = 0; k < 4; k++)
    if (!strcmp(sb_sbp_kind_name((unsigned)k), s)) return k;
  return luaL_error(L, "sim.sbp: kind is Control, Message, Ack, Error or a number, not '%s'", s);
}

static int op_code(lua_State *L, int idx) {
  if (lua_isinteger(L, idx)) return (int)lua_tointeger(L, idx) & 0xff;
  const char *s = luaL_checkstring(L, idx);
  for (int k = 0; k < 4; k++)
    if (!strcmp(sb_sbp_op_name((unsigned)k), s)) return k;
  return luaL_error(L, "sim.sbp: op is Handshake, Ping, Pong, Close or a number, not '%s'", s);
}

static void add_u32le(luaL_Buffer *b, uint32_t v) {
  char c[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff), (char)(v >> 24)};
  luaL_addlstring(b, c, 4);
}

/* The handshake JSON in the reference negotiator's key order; absent keys omitted. */
static void handshake_json(lua_State *L, int idx, luaL_Buffer *b) {
  static const char *const known[] = {"protocol", "version", "peerId", "caps", "metadata", NULL};
  sim_lua_check_options(L, idx, "sim.sbp's handshake", known);
  cJSON *o = cJSON_CreateObject();
  box(L, o);
  for (const char *const *k = known; *k; k++) {
    lua_getfield(L, idx, *k);
    cJSON *v = to_json(L, -1, "handshake field");
    jbox *bx = lua_touserdata(L, -1);
    bx->v = NULL;
    lua_pop(L, 2);
    if (!v) continue;
    if ((!strcmp(*k, "caps") && cJSON_IsObject(v) && !v->child)) {
      cJSON_Delete(v);
      v = cJSON_CreateArray();
    }
    cJSON_AddItemToObject(o, *k, v);
  }
  char *t = cJSON_PrintUnformatted(o);
  lua_pop(L, 1); /* the box */
  luaL_addstring(b, t);
  cJSON_free(t);
}

static int l_sbp(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const known[] = {"kind", "id", "flags", "timestamp", "op", "data", "handshake", "subject",
                                      "json", "code", "message", "ack", NULL};
  sim_lua_check_options(L, 1, "sim.sbp", known);
  if (lua_getfield(L, 1, "kind") == LUA_TNIL) return luaL_error(L, "sim.sbp: 'kind' is required");
  int kind = kind_code(L, -1);
  lua_pop(L, 1);
  uint8_t id[16];
  for (int k = 0; k < 16; k++) id[k] = (uint8_t)k;
  const char *idhex = sim_lua_opt_str(L, 1, "sim.sbp", "id", NULL);
  if (idhex) {
    size_t got = 0;
    if (strlen(idhex) != 32 || sb_hex_decode(idhex, 32, id, sizeof id, &got) != 0)
      return luaL_error(L, "sim.sbp: id is 32 hex digits");
  }
  lua_Integer flags = 0, ts = 0;
  bool has_ts = sim_lua_opt_int(L, 1, "sim.sbp", "timestamp", INT64_MIN, INT64_MAX, &ts);
  if (!sim_lua_opt_int(L, 1, "sim.sbp", "flags", 0, 255, &flags)) flags = has_ts ? 1 : 0;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char hdr[2] = {(char)kind, (char)flags};
  luaL_addlstring(&b, hdr, 2);
  luaL_addlstring(&b, (const char *)id, 16);
  if (has_ts) {
    char t[8];
    for (int k = 0; k < 8; k++) t[k] = (char)(((uint64_t)ts >> (8 * k)) & 0xff);
    luaL_addlstring(&b, t, 8);
  }
  size_t dlen = 0;
  const char *data = NULL;
  if (lua_getfield(L, 1, "data") != LUA_TNIL) data = luaL_checklstring(L, -1, &dlen);
  int data_idx = lua_gettop(L);
  switch (kind) {
    case 0: {
      if (lua_getfield(L, 1, "op") != LUA_TNIL) {
        char op = (char)op_code(L, -1);
        luaL_addlstring(&b, &op, 1);
      }
      lua_pop(L, 1);
      if (lua_getfield(L, 1, "handshake") != LUA_TNIL) {
        luaL_checktype(L, -1, LUA_TTABLE);
        handshake_json(L, lua_gettop(L), &b);
      }
      lua_pop(L, 1);
      if (data) luaL_addlstring(&b, data, dlen);
      break;
    }
    case 1: {
      size_t slen = 0;
      const char *subject = "";
      if (lua_getfield(L, 1, "subject") != LUA_TNIL) subject = luaL_checklstring(L, -1, &slen);
      add_u32le(&b, (uint32_t)slen);
      luaL_addlstring(&b, subject, slen);
      lua_pop(L, 1);
      lua_getfield(L, 1, "json");
      if (!lua_isnil(L, -1)) {
        cJSON *v = to_json(L, -1, "sim.sbp's json");
        char *t = cJSON_PrintUnformatted(v);
        lua_pop(L, 1);
        luaL_addstring(&b, t);
        cJSON_free(t);
      }
      lua_pop(L, 1);
      if (data) luaL_addlstring(&b, data, dlen);
      break;
    }
    case 2: {
      uint8_t ack[16] = {0};
      const char *ah = sim_lua_opt_str(L, 1, "sim.sbp", "ack", NULL);
      size_t got = 0;
      if (ah && (strlen(ah) != 32 || sb_hex_decode(ah, 32, ack, sizeof ack, &got) != 0))
        return luaL_error(L, "sim.sbp: ack is 32 hex digits");
      luaL_addlstring(&b, (const char *)ack, 16);
      if (data) luaL_addlstring(&b, data, dlen);
      break;
    }
    case 3: {
      lua_Integer code = 0;
      sim_lua_opt_int(L, 1, "sim.sbp", "code", 0, 65535, &code);
      char c[2] = {(char)(code & 0xff), (char)(code >> 8)};
      luaL_addlstring(&b, c, 2);
      const char *msg = sim_lua_opt_str(L, 1, "sim.sbp", "message", NULL);
      add_u32le(&b, (uint32_t)(msg ? strlen(msg) : 0));
      if (msg) luaL_addstring(&b, msg);
      if (data) luaL_addlstring(&b, data, dlen);
      break;
    }
    default:
      if (data) luaL_addlstring(&b, data, dlen);
      break;
  }
  (void)data_idx;
  luaL_pushresult(&b);
  return 1;
}

static void push_sbp_info(lua_State *L, const sim_sbp_info *si) {
  if (si->kind_name) {
    lua_pushstring(L, si->kind_name);
    lua_setfield(L, -2, "kind");
  }
  if (si->has_id) {
    lua_pushstring(L, si->id);
    lua_setfield(L, -2, "id");
  }
  if (si->has_op) {
    lua_pushstring(L, si->op_name ? si->op_name : "unknown");
    lua_setfield(L, -2, "op");
  }
  if (si->data) {
    lua_pushlstring(L, (const char *)si->data, si->data_len);
    lua_setfield(L, -2, "data");
  }
  if (si->has_subject) {
    lua_pushstring(L, si->subject);
    lua_setfield(L, -2, "subject");
  }
  const char *env[][2] = {{"type", si->env_t}, {"m", si->env_m}, {"e", si->env_e}, {"cid", si->env_cid}};
  for (size_t k = 0; k < 4; k++)
    if (env[k][1][0]) {
      lua_pushstring(L, env[k][1]);
      lua_setfield(L, -2, env[k][0]);
    }
  if (si->has_env_code) {
    lua_pushnumber(L, si->env_code);
    lua_setfield(L, -2, "code");
  }
  if (si->has_code) {
    lua_pushinteger(L, si->code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, si->message);
    lua_setfield(L, -2, "message");
  }
  if (si->ack_id[0]) {
    lua_pushstring(L, si->ack_id);
    lua_setfield(L, -2, "ack");
  }
  if (si->err) {
    lua_pushstring(L, sb_err_name(si->err));
    lua_setfield(L, -2, "malformed");
  }
}

static int l_sbp_decode(lua_State *L) {
  size_t len = 0;
  const char *b = luaL_checklstring(L, 1, &len);
  sim_sbp_info si;
  sim_sbp_describe((const uint8_t *)b, len, &si);
  lua_newtable(L);
  push_sbp_info(L, &si);
  return 1;
}

/* ---- expectations ------------------------------------------------------------------------------- */

/* Run sim_lua_expect on `t`'s records of kind `pc` (SIM_PC_*) from its own
 * cursor, swapped into the node's cursor `cursor` for the call. */
static size_t expect_on(lua_State *L, const target *t, int cursor, int pc, sim_lua_match_fn fn, void *ctx,
                        sb_time_us timeout, bool negative, const char *what) {
  size_t *mine = sim_peer_cursor(t->n, t->i, pc);
  size_t saved = t->n->cursor[cursor];
  t->n->cursor[cursor] = *mine;
  size_t at = sim_lua_expect(L, t->n, cursor, fn, ctx, timeout, negative, what);
  *mine = t->n->cursor[cursor];
  t->n->cursor[cursor] = saved;
  return at;
}

static bool session_ok(const target *t, const sim_rec *r) { return !t->k || (r->has_num && r->num == t->k); }

static const char *rec_err(const sim_rec *r) {
  if (!r->code) return NULL;
  const char *c = sb_peer_error_code(r->code);
  return c ? c : sb_err_name(r->code);
}

static bool str_is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* Push a peer record as a table: t, what, session, tag, name, err, text, value fields. */
static void push_peer_record(lua_State *L, const sim_rec *r) {
  lua_newtable(L);
  lua_pushinteger(L, r->t);
  lua_setfield(L, -2, "t");
  const char *k[] = {"what", "tag", "name", "text"};
  const char *v[] = {r->what, r->tag, r->name, r->text};
  for (int j = 0; j < 4; j++)
    if (v[j]) {
      lua_pushstring(L, v[j]);
      lua_setfield(L, -2, k[j]);
    }
  if (r->code) {
    lua_pushstring(L, rec_err(r));
    lua_setfield(L, -2, "err");
  }
  if (r->has_num) {
    lua_pushinteger(L, r->num);
    lua_setfield(L, -2, "session");
  }
  if (r->json) {
    cJSON *j = cJSON_Parse(r->json);
    if (j) {
      box(L, j);
      push_json(L, j);
      lua_setfield(L, -3, "value");
      if (cJSON_IsObject(j))
        for (const cJSON *it = j->child; it; it = it->next) {
          push_json(L, it);
          lua_setfield(L, -3, it->string);
        }
      lua_pop(L, 1);
    }
  }
}

/* -- expect.rpc(peer, tag, { result =, ok =, err =, wire =, message =, data =, elapsed =, within =,
 *                           reconnected =, timeout = }) */
typedef struct rpc_match {
  target t;
  const char *tag;
  const char *err;
  bool want_ok, has_ok;
  cJSON *result, *data;
  bool has_result, has_data;
  bool has_wire;
  double wire;
  const char *message;
  sb_time_us started, elapsed, within;
  bool has_elapsed, has_within;
  int reconnected, try_ok;
} rpc_match;

static bool rpc_accept(const sim_rec *r, void *ctx) {
  rpc_match *m = ctx;
  if (r->kind != SIM_REC_PEER || !str_is(r->what, "result") || !str_is(r->tag, m->tag) || !session_ok(&m->t, r))
    return false;
  const char *err = rec_err(r);
  if (m->has_ok && m->want_ok != (err == NULL)) return false;
  if (m->err && !(err && (!strcmp(err, m->err) || !strcmp(sb_err_name(r->code), m->err)))) return false;
  if (m->message && !(r->text && strstr(r->text, m->message))) return false;
  if (m->has_elapsed && r->t - m->started != m->elapsed) return false;
  if (m->has_within && r->t - m->started > m->within) return false;
  cJSON *v = r->json ? cJSON_Parse(r->json) : NULL;
  bool ok = true;
  if (m->has_result) ok = ok && cJSON_Compare(cJSON_GetObjectItemCaseSensitive(v, "result"), m->result, true);
  if (m->has_data) ok = ok && cJSON_Compare(cJSON_GetObjectItemCaseSensitive(v, "data"), m->data, true);
  if (m->has_wire) {
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(v, "wire");
    ok = ok && cJSON_IsNumber(w) && w->valuedouble == m->wire;
  }
  if (m->reconnected >= 0) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, "reconnected");
    ok = ok && cJSON_IsBool(x) && cJSON_IsTrue(x) == m->reconnected;
  }
  if (m->try_ok >= 0) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, "ok");
    ok = ok && cJSON_IsBool(x) && cJSON_IsTrue(x) == m->try_ok;
  }
  cJSON_Delete(v);
  return ok;
}

static int expect_rpc_common(lua_State *L, bool negative) {
  lua_settop(L, 3);
  const char *fname = negative ? "expect.no_rpc" : "expect.rpc";
  rpc_match m = {.reconnected = -1, .try_ok = -1};
  m.t = target_at(L, 1, fname);
  if (!m.t.i) luaL_error(L, "%s: name the peer that made the call (server:accepted(n))", fname);
  m.tag = luaL_checkstring(L, 2);
  m.started = sim_peer_call_started(m.t.i, m.tag);
  if (m.started < 0) luaL_error(L, "%s: '%s' made no call '%s'", fname, m.t.n->name, m.tag);
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"result", "ok", "err", "wire", "message", "data", "elapsed", "within",
                                        "reconnected", "try_ok", "timeout", "during", NULL};
    sim_lua_check_options(L, 3, fname, known);
    int f = sim_lua_opt_flag(L, 3, fname, "ok", -1);
    m.has_ok = f >= 0;
    m.want_ok = f == 1;
    m.err = sim_lua_opt_str(L, 3, fname, "err", NULL);
    m.message = sim_lua_opt_str(L, 3, fname, "message", NULL);
    m.reconnected = sim_lua_opt_flag(L, 3, fname, "reconnected", -1);
    m.try_ok = sim_lua_opt_flag(L, 3, fname, "try_ok", -1);
    if (lua_getfield(L, 3, "wire") != LUA_TNIL) {
      m.has_wire = true;
      m.wire = luaL_checknumber(L, -1);
    }
    lua_pop(L, 1);
    lua_getfield(L, 3, "result");
    m.has_result = !lua_isnil(L, -1);
    m.result = to_json(L, -1, "expect.rpc's result");
    lua_getfield(L, 3, "data");
    m.has_data = !lua_isnil(L, -1);
    m.data = to_json(L, -1, "expect.rpc's data");
    m.has_elapsed = sim_lua_opt_dur(L, 3, fname, "elapsed", &m.elapsed);
    m.has_within = sim_lua_opt_dur(L, 3, fname, "within", &m.within);
  }
  const char *what = sim_lua_describe(L, negative ? "no_rpc" : "rpc", 3);
  sb_time_us timeout = sim_lua_timeout(L, 3, fname, negative ? "during" : "timeout");
  size_t at = expect_on(L, &m.t, SIM_CUR_PEER, SIM_PC_RESULT, rpc_accept, &m, timeout, negative, what);
  if (negative) return 0;
  const sim_rec *r = sim_trace_rec(&sim_lua_world(L)->trace, at);
  push_peer_record(L, r);
  lua_pushinteger(L, r->t - m.started);
  lua_setfield(L, -2, "elapsed");
  return 1;
}

static int l_expect_rpc(lua_State *L) { return expect_rpc_common(L, false); }
static int l_expect_no_rpc(lua_State *L) { return expect_rpc_common(L, true); }

/* -- generic peer-record expectations: event, request, settled, unhandled, retry */
typedef struct rec_match {
  target t;
  const char *what, *name, *tag, *err, *text, *text_sub;
  cJSON *value;
  const char *value_key; /* compare this member of the record's value (NULL: the whole value) */
  bool has_value;
  bool has_num_field;
  const char *num_key;
  double num;
} rec_match;

static bool rec_accept(const sim_rec *r, void *ctx) {
  rec_match *m = ctx;
  if (r->kind != SIM_REC_PEER || !str_is(r->what, m->what) || !session_ok(&m->t, r)) return false;
  if (m->name && !str_is(r->name, m->name)) return false;
  if (m->tag && !str_is(r->tag, m->tag)) return false;
  const char *err = rec_err(r);
  if (m->err && !(err && (!strcmp(err, m->err) || !strcmp(sb_err_name(r->code), m->err)))) return false;
  if (m->text && !str_is(r->text, m->text)) return false;
  if (m->text_sub && !(r->text && strstr(r->text, m->text_sub))) return false;
  if (!m->has_value && !m->has_num_field) return true;
  cJSON *v = r->json ? cJSON_Parse(r->json) : NULL;
  bool ok = true;
  if (m->has_value) {
    const cJSON *got = m->value_key ? cJSON_GetObjectItemCaseSensitive(v, m->value_key) : v;
    ok = cJSON_Compare(got, m->value, true);
  }
  if (m->has_num_field) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, m->num_key);
    ok = ok && cJSON_IsNumber(x) && x->valuedouble == m->num;
  }
  cJSON_Delete(v);
  return ok;
}

static int rec_expect(lua_State *L, rec_match *m, int opts, const char *fname, const char *short_name,
                      int nargs, bool negative) {
  const char *what = sim_lua_describe(L, short_name, nargs);
  sb_time_us timeout = sim_lua_timeout(L, opts, fname, negative ? "during" : "timeout");
  int pc = !strcmp(m->what, "event")     ? SIM_PC_EVENT
           : !strcmp(m->what, "request") ? SIM_PC_REQUEST
           : !strcmp(m->what, "settle")  ? SIM_PC_SETTLE
           : !strcmp(m->what, "retry")   ? SIM_PC_RETRY
                                         : SIM_PC_UNHANDLED;
  size_t at = expect_on(L, &m->t, SIM_CUR_PEER, pc, rec_accept, m, timeout, negative, what);
  if (negative) return 0;
  push_peer_record(L, sim_trace_rec(&sim_lua_world(L)->trace, at));
  return 1;
}

/* expect.event(peer, name, { data =, sub =, pattern =, timeout = }) / expect.no_event(peer, name, { during = }) */
static int expect_event_common(lua_State *L, bool negative) {
  lua_settop(L, 3);
  const char *fname = negative ? "expect.no_event" : "expect.event";
  rec_match m = {.what = "event"};
  m.t = target_at(L, 1, fname);
  m.name = lua_isnil(L, 2) ? NULL : luaL_checkstring(L, 2);
  char tag[16];
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"data", "sub", "pattern", "timeout", "during", NULL};
    sim_lua_check_options(L, 3, fname, known);
    lua_Integer sub;
    if (sim_lua_opt_int(L, 3, fname, "sub", 1, UINT32_MAX, &sub)) {
      snprintf(tag, sizeof tag, "%u", (unsigned)sub);
      m.tag = tag;
    }
    m.text = sim_lua_opt_str(L, 3, fname, "pattern", NULL);
    lua_getfield(L, 3, "data");
    m.has_value = !lua_isnil(L, -1);
    m.value = to_json(L, -1, "expect.event's data");
  }
  return rec_expect(L, &m, 3, fname, negative ? "no_event" : "event", 3, negative);
}

static int l_expect_event(lua_State *L) { return expect_event_common(L, false); }
static int l_expect_no_event(lua_State *L) { return expect_event_common(L, true); }

/* expect.request(peer, method, { params =, timeout = }) / expect.no_request */
static int expect_request_common(lua_State *L, bool negative) {
  lua_settop(L, 3);
  const char *fname = negative ? "expect.no_request" : "expect.request";
  rec_match m = {.what = "request"};
  m.t = target_at(L, 1, fname);
  m.name = lua_isnil(L, 2) ? NULL : luaL_checkstring(L, 2);
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"params", "timeout", "during", NULL};
    sim_lua_check_options(L, 3, fname, known);
    lua_getfield(L, 3, "params");
    m.has_value = !lua_isnil(L, -1);
    m.value = to_json(L, -1, "expect.request's params");
  }
  return rec_expect(L, &m, 3, fname, negative ? "no_request" : "request", 3, negative);
}

static int l_expect_request(lua_State *L) { return expect_request_common(L, false); }
static int l_expect_no_request(lua_State *L) { return expect_request_common(L, true); }

/* expect.settled(peer, "connect" | "reconnecting" | "when_ready" | "accept", { status =, err =, tag = }) */
static int l_expect_settled(lua_State *L) {
  lua_settop(L, 3);
  rec_match m = {.what = "settle"};
  m.t = target_at(L, 1, "expect.settled");
  m.name = luaL_checkstring(L, 2);
  static const char *const kinds[] = {"connect", "reconnecting", "when_ready", "accept", NULL};
  bool ok = false;
  for (const char *const *k = kinds; *k; k++) ok = ok || !strcmp(*k, m.name);
  if (!ok) luaL_error(L, "expect.settled: '%s' is not connect, reconnecting, when_ready or accept", m.name);
  char tag[24];
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"status", "err", "tag", "ok", "timeout", NULL};
    sim_lua_check_options(L, 3, "expect.settled", known);
    m.text = sim_lua_opt_str(L, 3, "expect.settled", "status", NULL);
    m.err = sim_lua_opt_str(L, 3, "expect.settled", "err", NULL);
    if (sim_lua_opt_flag(L, 3, "expect.settled", "ok", -1) == 1) m.text = "ok";
    lua_Integer t;
    if (sim_lua_opt_int(L, 3, "expect.settled", "tag", INT64_MIN, INT64_MAX, &t)) {
      snprintf(tag, sizeof tag, "%llu", (unsigned long long)t);
      m.tag = tag;
    }
  }
  return rec_expect(L, &m, 3, "expect.settled", "settled", 3, false);
}

/* expect.unhandled(peer, { err =, text = }) / expect.no_unhandled */
static int expect_unhandled_common(lua_State *L, bool negative) {
  lua_settop(L, 2);
  const char *fname = negative ? "expect.no_unhandled" : "expect.unhandled";
  rec_match m = {.what = "unhandled"};
  m.t = target_at(L, 1, fname);
  if (!lua_isnil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const known[] = {"err", "text", "timeout", "during", NULL};
    sim_lua_check_options(L, 2, fname, known);
    m.err = sim_lua_opt_str(L, 2, fname, "err", NULL);
    m.text_sub = sim_lua_opt_str(L, 2, fname, "text", NULL);
  }
  return rec_expect(L, &m, 2, fname, negative ? "no_unhandled" : "unhandled", 2, negative);
}

static int l_expect_unhandled(lua_State *L) { return expect_unhandled_common(L, false); }
static int l_expect_no_unhandled(lua_State *L) { return expect_unhandled_common(L, true); }

/* expect.retry(peer, { attempt = n }): the backoff drawn on entering reconnecting. */
static int l_expect_retry(lua_State *L) {
  lua_settop(L, 2);
  rec_match m = {.what = "retry"};
  m.t = target_at(L, 1, "expect.retry");
  if (!lua_isnil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const known[] = {"attempt", "timeout", NULL};
    sim_lua_check_options(L, 2, "expect.retry", known);
    lua_Integer a;
    if (sim_lua_opt_int(L, 2, "expect.retry", "attempt", 1, UINT32_MAX, &a)) {
      m.has_num_field = true;
      m.num_key = "attempt";
      m.num = (double)a;
    }
  }
  return rec_expect(L, &m, 2, "expect.retry", "retry", 2, false);
}

/* expect.lifecycle(peer, { "stateChange:reconnecting", "reconnecting", "disconnected", ... }):
 * the next lifecycle events, exactly these and in this order. */
typedef struct lc_wait {
  sim_world *w;
  const target *t;
  size_t from;
  size_t want;
} lc_wait;

static bool lc_is(const lc_wait *c, const sim_rec *r) {
  return r->node == c->t->n->index && r->kind == SIM_REC_PEER && str_is(r->what, "lifecycle") &&
         session_ok(c->t, r);
}

static bool lc_enough(void *ctx) {
  lc_wait *c = ctx;
  size_t n = 0;
  size_t k = c->from > sim_trace_first(&c->w->trace) ? c->from : sim_trace_first(&c->w->trace);
  for (; k < c->w->trace.n && n < c->want; k++)
    if (lc_is(c, sim_trace_rec(&c->w->trace, k))) n++;
  return n >= c->want;
}

static void lc_label(const sim_rec *r, char *out, size_t cap) {
  if (str_is(r->name, "stateChange"))
    snprintf(out, cap, "stateChange:%s", r->text ? r->text : "?");
  else if (str_is(r->name, "error"))
    snprintf(out, cap, "error:%s", rec_err(r) ? rec_err(r) : "?");
  else
    snprintf(out, cap, "%s", r->name ? r->name : "?");
}

static int l_expect_lifecycle(lua_State *L) {
  lua_settop(L, 3);
  target t = target_at(L, 1, "expect.lifecycle");
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t want = lua_rawlen(L, 2);
  if (!want) luaL_error(L, "expect.lifecycle: the list is empty");
  const char *what = sim_lua_describe(L, "lifecycle", 3);
  sb_time_us timeout = sim_lua_timeout(L, 3, "expect.lifecycle", "timeout");
  sim_world *w = sim_lua_world(L);
  size_t *cur = sim_peer_cursor(t.n, t.i, SIM_PC_LIFECYCLE);
  lc_wait c = {w, &t, *cur, want};
  sim_lua_check_reach(L, t.n, c.from);
  bool enough = sim_lua_run_until(L, lc_enough, &c, timeout);
  sim_lua_check_reach(L, t.n, c.from); /* a wait over more records than a run keeps */
  luaL_Buffer got;
  luaL_buffinit(L, &got);
  size_t n = 0, last = *cur;
  bool same = enough;
  for (size_t k = c.from > sim_trace_first(&w->trace) ? c.from : sim_trace_first(&w->trace);
       k < w->trace.n && n < want; k++) {
    const sim_rec *r = sim_trace_rec(&w->trace, k);
    if (!lc_is(&c, r)) continue;
    char label[96];
    lc_label(r, label, sizeof label);
    lua_rawgeti(L, 2, (lua_Integer)n + 1);
    const char *e = lua_tostring(L, -1);
    lua_pop(L, 1);
    if (!e || strcmp(e, label)) same = false;
    luaL_addstring(&got, n ? ", " : "");
    luaL_addstring(&got, label);
    n++;
    last = k;
  }
  luaL_pushresult(&got);
  if (!same) {
    char detail[1024];
    snprintf(detail, sizeof detail, "  the next %zu lifecycle event(s) were: %s\n", n,
             n ? lua_tostring(L, -1) : "(none)");
    sim_lua_fail(L, what, detail);
  }
  *cur = last + 1;
  sim_lua_pass(L, what);
  return 0;
}

/* expect.peer_state(peer, "paused", { ready =, connected =, reconnecting =, timeout = }) */
typedef struct st_wait {
  sim_peer_inst *i;
  const char *want;
} st_wait;

static bool st_holds(void *ctx) {
  st_wait *s = ctx;
  return !strcmp(sim_peer_state_name(s->i), s->want);
}

static int l_expect_peer_state(lua_State *L) {
  lua_settop(L, 3);
  sim_peer_inst *i = inst_at(L, 1, "expect.peer_state");
  const char *want = luaL_checkstring(L, 2);
  int ready = -1, connected = -1, reconnecting = -1;
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"ready", "connected", "reconnecting", "timeout", NULL};
    sim_lua_check_options(L, 3, "expect.peer_state", known);
    ready = sim_lua_opt_flag(L, 3, "expect.peer_state", "ready", -1);
    connected = sim_lua_opt_flag(L, 3, "expect.peer_state", "connected", -1);
    reconnecting = sim_lua_opt_flag(L, 3, "expect.peer_state", "reconnecting", -1);
  }
  const char *what = sim_lua_describe(L, "peer_state", 3);
  st_wait s = {i, want};
  bool held = sim_lua_run_until(L, st_holds, &s, sim_lua_timeout(L, 3, "expect.peer_state", "timeout"));
  sb_peer *p = sim_peer_machine(i);
  char detail[256];
  if (!held) {
    snprintf(detail, sizeof detail, "  the state is still %s\n", sim_peer_state_name(i));
    sim_lua_fail(L, what, detail);
  }
  bool r = p && sb_peer_ready(p), c = p && sb_peer_connected(p), x = p && sb_peer_reconnecting_pending(p);
  if ((ready >= 0 && r != ready) || (connected >= 0 && c != connected) || (reconnecting >= 0 && x != reconnecting)) {
    snprintf(detail, sizeof detail, "  in %s: ready=%s connected=%s reconnecting=%s\n", want, r ? "true" : "false",
             c ? "true" : "false", x ? "true" : "false");
    sim_lua_fail(L, what, detail);
  }
  sim_lua_pass(L, what);
  return 0;
}

/* expect.sbp(peer, "sent" | "received", { kind =, op =, subject =, type =, m =, e =, cid =, code =,
 *            message =, data =, id =, bytes =, malformed =, session = }, { timeout = }) */
typedef struct sbp_match {
  target t;
  bool sent;
  const char *kind, *op, *subject, *type, *m, *e, *cid, *message, *data, *id, *malformed;
  bool has_code, has_session;
  double code;
  int64_t session;
  const uint8_t *bytes;
  size_t bytes_len;
  bool has_bytes;
} sbp_match;

static bool sbp_accept(const sim_rec *r, void *ctx) {
  sbp_match *m = ctx;
  if (r->kind != SIM_REC_SBP || r->sent != m->sent || !session_ok(&m->t, r)) return false;
  if (m->has_session && r->num != m->session) return false;
  if (m->has_bytes && !(r->len == m->bytes_len && !memcmp(r->bytes, m->bytes, r->len))) return false;
  sim_sbp_info si;
  sim_sbp_describe(r->bytes, r->len, &si);
  if (m->malformed && !(si.err && (!strcmp(m->malformed, "*") || str_is(sb_err_name(si.err), m->malformed))))
    return false;
  if (m->kind && !str_is(si.kind_name, m->kind)) return false;
  if (m->op && !(si.has_op && str_is(si.op_name, m->op))) return false;
  if (m->subject && !(si.has_subject && str_is(si.subject, m->subject))) return false;
  if (m->type && strcmp(si.env_t, m->type)) return false;
  if (m->m && strcmp(si.env_m, m->m)) return false;
  if (m->e && strcmp(si.env_e, m->e)) return false;
  if (m->cid && strcmp(si.env_cid, m->cid)) return false;
  if (m->id && !(si.has_id && !strcmp(si.id, m->id))) return false;
  if (m->message && !(si.has_code && strstr(si.message, m->message))) return false;
  if (m->has_code && !((si.has_code && si.code == m->code) || (si.has_env_code && si.env_code == m->code)))
    return false;
  if (m->data) {
    size_t n = strlen(m->data);
    bool found = false;
    for (size_t k = 0; si.data && k + n <= si.data_len && !found; k++) found = !memcmp(si.data + k, m->data, n);
    if (!found && !(n == 0 && si.data_len == 0)) return false;
  }
  return true;
}

static int expect_sbp_common(lua_State *L, bool negative) {
  lua_settop(L, 4);
  const char *fname = negative ? "expect.no_sbp" : "expect.sbp";
  sbp_match m = {0};
  m.t = target_at(L, 1, fname);
  const char *dir = luaL_checkstring(L, 2);
  int cursor = !strcmp(dir, "sent") ? SIM_CUR_SBP_SENT : !strcmp(dir, "received") ? SIM_CUR_SBP_RECV : -1;
  if (cursor < 0) luaL_error(L, "%s: a direction is \"sent\" or \"received\", not '%s'", fname, dir);
  m.sent = cursor == SIM_CUR_SBP_SENT;
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"kind", "op", "subject", "type", "m", "e", "cid", "code", "message",
                                        "data", "id", "bytes", "malformed", "session", "timeout", "during",
                                        NULL};
    sim_lua_check_options(L, 3, fname, known);
    m.kind = sim_lua_opt_str(L, 3, fname, "kind", NULL);
    m.op = sim_lua_opt_str(L, 3, fname, "op", NULL);
    m.subject = sim_lua_opt_str(L, 3, fname, "subject", NULL);
    m.type = sim_lua_opt_str(L, 3, fname, "type", NULL);
    m.m = sim_lua_opt_str(L, 3, fname, "m", NULL);
    m.e = sim_lua_opt_str(L, 3, fname, "e", NULL);
    m.cid = sim_lua_opt_str(L, 3, fname, "cid", NULL);
    m.message = sim_lua_opt_str(L, 3, fname, "message", NULL);
    m.data = sim_lua_opt_str(L, 3, fname, "data", NULL);
    m.id = sim_lua_opt_str(L, 3, fname, "id", NULL);
    lua_Integer v;
    if (sim_lua_opt_int(L, 3, fname, "code", INT64_MIN, INT64_MAX, &v)) {
      m.has_code = true;
      m.code = (double)v;
    }
    if (sim_lua_opt_int(L, 3, fname, "session", 0, INT64_MAX, &v)) {
      m.has_session = true;
      m.session = v;
    }
    if (lua_getfield(L, 3, "malformed") != LUA_TNIL)
      m.malformed = lua_isboolean(L, -1) ? "*" : luaL_checkstring(L, -1);
    lua_pop(L, 1);
    const char *hex = sim_lua_opt_str(L, 3, fname, "bytes", NULL);
    if (hex) {
      size_t n = strlen(hex), got = 0;
      uint8_t *b = lua_newuserdatauv(L, n / 2 + 1, 0);
      if (n % 2 || sb_hex_decode(hex, n, b, n / 2 + 1, &got) != 0) luaL_error(L, "%s: bytes is hex", fname);
      m.bytes = b;
      m.bytes_len = got;
      m.has_bytes = true; /* the buffer stays on the stack (above the arguments) */
    }
  }
  int opts = lua_isnil(L, 4) ? 3 : 4;
  if (opts == 4) {
    luaL_checktype(L, 4, LUA_TTABLE);
    static const char *const known[] = {"timeout", "during", NULL};
    sim_lua_check_options(L, 4, fname, known);
  }
  const char *what = sim_lua_describe(L, negative ? "no_sbp" : "sbp", 4);
  sb_time_us timeout = sim_lua_timeout(L, opts, fname, negative ? "during" : "timeout");
  size_t at = expect_on(L, &m.t, cursor, cursor == SIM_CUR_SBP_SENT ? SIM_PC_SBP_SENT : SIM_PC_SBP_RECV,
                        sbp_accept, &m, timeout, negative, what);
  if (negative) return 0;
  const sim_rec *r = sim_trace_rec(&sim_lua_world(L)->trace, at);
  lua_newtable(L);
  lua_pushinteger(L, r->t);
  lua_setfield(L, -2, "t");
  lua_pushlstring(L, (const char *)r->bytes, r->len);
  lua_setfield(L, -2, "bytes");
  lua_pushinteger(L, r->num);
  lua_setfield(L, -2, "session");
  if (r->has_sid) {
    lua_pushinteger(L, (lua_Integer)r->sid);
    lua_setfield(L, -2, "sid");
  }
  sim_sbp_info si;
  sim_sbp_describe(r->bytes, r->len, &si);
  push_sbp_info(L, &si);
  return 1;
}

static int l_expect_sbp(lua_State *L) { return expect_sbp_common(L, false); }
static int l_expect_no_sbp(lua_State *L) { return expect_sbp_common(L, true); }

/* expect.fresh_ids(peer): every frameId the peer sent so far is unique, and none copies a
 * frameId it received (SBP-WIRE-008, RPC-CID-004). Returns how many frames were checked. */
static int l_expect_fresh_ids(lua_State *L) {
  lua_settop(L, 1);
  target t = target_at(L, 1, "expect.fresh_ids");
  const char *what = sim_lua_describe(L, "fresh_ids", 1);
  sim_world *w = sim_lua_world(L);
  size_t nsent = 0;
  size_t nall = 0, acap = 64;
  char(*all)[33] = malloc(acap * sizeof *all);
  bool *is_sent = malloc(acap * sizeof *is_sent);
  sim_lua_check_reach(L, t.n, 0); /* every frame since the start */
  for (size_t k = sim_trace_first(&w->trace); k < w->trace.n; k++) {
    const sim_rec *r = sim_trace_rec(&w->trace, k);
    if (r->node != t.n->index || r->kind != SIM_REC_SBP || !session_ok(&t, r) || r->len < 18) continue;
    if (nall == acap) {
      acap *= 2;
      all = realloc(all, acap * sizeof *all);
      is_sent = realloc(is_sent, acap * sizeof *is_sent);
    }
    sb_sbp_frame_id_to_hex(r->bytes + 2, all[nall]);
    is_sent[nall++] = r->sent;
    if (r->sent) nsent++;
  }
  char detail[256] = "";
  for (size_t a = 0; a < nall && !detail[0]; a++) {
    if (!is_sent[a]) continue;
    for (size_t b = 0; b < nall && !detail[0]; b++) {
      if (a == b || strcmp(all[a], all[b])) continue;
      if (is_sent[b])
        snprintf(detail, sizeof detail, "  frameId %s was sent twice\n", all[a]);
      else
        snprintf(detail, sizeof detail, "  frameId %s was sent after being received\n", all[a]);
    }
  }
  free(all);
  free(is_sent);
  if (detail[0]) sim_lua_fail(L, what, detail);
  if (!nsent) sim_lua_fail(L, what, "  the peer sent no frame at all\n");
  sim_lua_pass(L, what);
  lua_pushinteger(L, (lua_Integer)nsent);
  return 1;
}

/* ---- installing ---------------------------------------------------------------------------------- */

static void add_methods(lua_State *L, const char *cls, const luaL_Reg *fns) {
  luaL_getmetatable(L, cls);
  lua_getfield(L, -1, "methods");
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 2);
}

void sim_lua_peer_install(lua_State *L) {
  luaL_newmetatable(L, "sim.jbox");
  lua_pushcfunction(L, l_jbox_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
  lua_newtable(L); /* the metatable of sim.array{} tables */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &ARRAY_MT);

  static const luaL_Reg world_m[] = {{"peer", l_world_peer},
                                     {"peer_server", l_world_peer_server},
                                     {"frames_checked", l_world_frames_checked},
                                     {NULL, NULL}};
  add_methods(L, "sim.world", world_m);

  static const luaL_Reg peer_m[] = {{"call", l_call},
                                    {"try_call", l_try_call},
                                    {"cancel", l_cancel},
                                    {"handle", l_handle},
                                    {"unhandle", l_unhandle},
                                    {"reply", l_reply},
                                    {"on", l_on},
                                    {"on_pattern", l_on_pattern},
                                    {"off", l_off},
                                    {"emit", l_emit},
                                    {"disconnect", l_disconnect},
                                    {"when_ready", l_when_ready},
                                    {"cancel_when_ready", l_cancel_when_ready},
                                    {"accepted", l_accepted},
                                    {"connection", l_connection},
                                    {NULL, NULL}};
  add_methods(L, "sim.node", peer_m);
  luaL_newmetatable(L, "sim.accepted");
  static const luaL_Reg acc_m[] = {{"call", l_call},
                                   {"try_call", l_try_call},
                                   {"cancel", l_cancel},
                                   {"reply", l_reply},
                                   {"emit", l_emit},
                                   {"disconnect", l_disconnect},
                                   {"close", my_close},
                                   {"when_ready", l_when_ready},
                                   {"cancel_when_ready", l_cancel_when_ready},
                                   {"send_raw", my_send_raw},
                                   {"drop_connection", my_drop},
                                   {NULL, NULL}};
  lua_newtable(L);
  luaL_setfuncs(L, acc_m, 0);
  lua_setfield(L, -2, "methods");
  lua_pushcfunction(L, l_acc_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, l_acc_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  lua_getglobal(L, "sim");
  static const luaL_Reg sim_f[] = {{"sbp", l_sbp},   {"sbp_decode", l_sbp_decode}, {"json", l_json},
                                   {"array", l_array}, {NULL, NULL}};
  luaL_setfuncs(L, sim_f, 0);
  lua_pushlightuserdata(L, (void *)&NULL_KEY);
  lua_setfield(L, -2, "null");
  lua_pop(L, 1);

  lua_getglobal(L, "expect");
  static const luaL_Reg expect_f[] = {{"rpc", l_expect_rpc},
                                      {"no_rpc", l_expect_no_rpc},
                                      {"event", l_expect_event},
                                      {"no_event", l_expect_no_event},
                                      {"request", l_expect_request},
                                      {"no_request", l_expect_no_request},
                                      {"settled", l_expect_settled},
                                      {"unhandled", l_expect_unhandled},
                                      {"no_unhandled", l_expect_no_unhandled},
                                      {"retry", l_expect_retry},
                                      {"lifecycle", l_expect_lifecycle},
                                      {"peer_state", l_expect_peer_state},
                                      {"sbp", l_expect_sbp},
                                      {"no_sbp", l_expect_no_sbp},
                                      {"fresh_ids", l_expect_fresh_ids},
                                      {NULL, NULL}};
  luaL_setfuncs(L, expect_f, 0);
  lua_pop(L, 1);
  sim_lua_router_install(L);
}
