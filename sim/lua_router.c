/*
 * Lua bindings of the runtime Router in the simulator (sim_router.h),
 * documented in scenarios/README.md ("The runtime Router"): the router
 * options of world:peer_server{}, world:sbp_proxy{}, a Router server's
 * route / route_prefix / unroute / unsubscribe / clear_routes,
 * peer:on_lifecycle(), and expect.handled / expect.no_handled /
 * expect.handler_done. Installed by the peer bindings (lua_peer.c).
 */
#define _POSIX_C_SOURCE 200809L
#include <cJSON.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "lua_host.h"
#include "sim_router.h"

/* ---- option helpers ---------------------------------------------------------------- */

static bool has_key(lua_State *L, int idx, const char *key) {
  bool has = lua_getfield(L, idx, key) != LUA_TNIL;
  lua_pop(L, 1);
  return has;
}

static bool u32_opt(lua_State *L, int idx, const char *fname, const char *key, uint32_t *out) {
  lua_Integer v;
  if (!sim_lua_opt_int(L, idx, fname, key, 0, UINT32_MAX, &v)) return false;
  *out = (uint32_t)v;
  return true;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The string keys of table `idx`, sorted (pairs() order is not fixed). */
static size_t sorted_keys(lua_State *L, int idx, const char *fname, const char **keys, size_t cap) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "%s: keys are names (strings)", fname);
    if (n == cap) luaL_error(L, "%s: more than %d entries", fname, (int)cap);
    keys[n++] = lua_tostring(L, -1);
  }
  qsort(keys, n, sizeof *keys, cmp_str);
  return n;
}

/* ---- world:peer_server{ router = true, ... } ---------------------------------------------- */

bool sim_lua_router_options(lua_State *L, int idx, const char *fname, sim_router_opts *o) {
  static const char *const only[] = {"acks", "rpc_timeout", "method_timeouts", "max_frame", "max_error_details",
                                     "throttle", "upstream_envelopes", NULL};
  sim_router_opts_default(o);
  if (sim_lua_opt_flag(L, idx, fname, "router", -1) != 1) {
    for (const char *const *k = only; *k; k++)
      if (has_key(L, idx, *k)) luaL_error(L, "option '%s' of %s needs router = true", *k, fname);
    return false;
  }
  const char *acks = sim_lua_opt_str(L, idx, fname, "acks", NULL);
  if (acks && !strcmp(acks, "receipt"))
    o->acks = SB_ROUTER_ACKS_RECEIPT;
  else if (acks && strcmp(acks, "none"))
    luaL_error(L, "%s: acks is \"none\" or \"receipt\", not '%s'", fname, acks);
  sim_lua_opt_dur(L, idx, fname, "rpc_timeout", &o->rpc_timeout);
  o->has_max_frame = u32_opt(L, idx, fname, "max_frame", &o->max_frame);
  o->has_max_error_details = u32_opt(L, idx, fname, "max_error_details", &o->max_error_details);
  o->upstream_envelopes = sim_lua_opt_flag(L, idx, fname, "upstream_envelopes", -1) == 1;
  if (lua_getfield(L, idx, "method_timeouts") != LUA_TNIL) {
    int t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    const char *keys[SB_ROUTER_MAX_METHOD_TIMEOUTS];
    size_t n = sorted_keys(L, t, "method_timeouts", keys, SB_ROUTER_MAX_METHOD_TIMEOUTS);
    for (size_t k = 0; k < n; k++) {
      if (strlen(keys[k]) >= sizeof o->method_timeouts[0].method)
        luaL_error(L, "method_timeouts: method name '%s' too long", keys[k]);
      snprintf(o->method_timeouts[k].method, sizeof o->method_timeouts[0].method, "%s", keys[k]);
      sim_lua_opt_dur(L, t, "method_timeouts", keys[k], &o->method_timeouts[k].timeout);
      if (o->method_timeouts[k].timeout <= 0) luaL_error(L, "method_timeouts: '%s' must be longer than 0", keys[k]);
    }
    o->nmethod_timeouts = n;
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "throttle") != LUA_TNIL) {
    int t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    static const char *const known[] = {"window", "errors", "handshakes", "pings", NULL};
    sim_lua_check_options(L, t, "throttle", known);
    if (!sim_lua_opt_dur(L, t, "throttle", "window", &o->throttle.window) || o->throttle.window <= 0)
      luaL_error(L, "throttle: a window (\"1s\") is required");
    u32_opt(L, t, "throttle", "errors", &o->throttle.errors);
    u32_opt(L, t, "throttle", "handshakes", &o->throttle.handshakes);
    u32_opt(L, t, "throttle", "pings", &o->throttle.pings);
  }
  lua_pop(L, 1);
  return true;
}

/* ---- world:sbp_proxy{} ------------------------------------------------------------------------ */

static int l_world_proxy(lua_State *L) {
  sim_world *w = sim_lua_world(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const known[] = {"name", "server", "peer_id", NULL};
  sim_lua_check_options(L, 2, "world:sbp_proxy", known);
  const char *name = sim_lua_opt_str(L, 2, "world:sbp_proxy", "name", NULL);
  const char *peer_id = sim_lua_opt_str(L, 2, "world:sbp_proxy", "peer_id", NULL);
  if (lua_getfield(L, 2, "server") == LUA_TNIL) luaL_error(L, "world:sbp_proxy: say which server it fronts (server = ...)");
  sim_node *target = sim_lua_node(L, -1);
  lua_pop(L, 1);
  sim_node *n = sim_world_add_proxy(w, name ? name : "proxy", peer_id, target);
  if (!n) return luaL_error(L, "world:sbp_proxy: %s", w->err);
  sim_lua_push_node(L, n);
  return 1;
}

/* ---- routes -------------------------------------------------------------------------------------- */

static sim_node *router_at(lua_State *L, int idx, const char *fname) {
  sim_node *n = sim_lua_node(L, idx);
  if (!sim_router_is_router(n))
    luaL_error(L, "%s is for Router servers (world:peer_server{ router = true }); '%s' is not one", fname, n->name);
  return n;
}

static void spec_from(lua_State *L, int idx, const char *fname, sim_route_spec *s, bool top);

static void spec_action(lua_State *L, int idx, const char *fname, sim_route_spec *s) {
  int n = 0;
  if (has_key(L, idx, "result")) {
    lua_getfield(L, idx, "result");
    s->result = sim_lua_to_json(L, -1, "handler result");
    lua_pop(L, 1);
    s->kind = SIM_ROUTE_RESULT;
    n++;
  }
  if (sim_lua_opt_flag(L, idx, fname, "echo", -1) == 1) {
    s->kind = SIM_ROUTE_ECHO;
    n++;
  }
  if (lua_getfield(L, idx, "rpc_error") != LUA_TNIL) {
    int t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    static const char *const known[] = {"code", "message", "data", NULL};
    sim_lua_check_options(L, t, "rpc_error", known);
    lua_getfield(L, t, "code");
    if (!lua_isnumber(L, -1)) luaL_error(L, "rpc_error: code is a number");
    s->code = lua_tonumber(L, -1);
    lua_pop(L, 1);
    const char *m = sim_lua_opt_str(L, t, "rpc_error", "message", NULL);
    s->message = strdup(m ? m : "");
    lua_getfield(L, t, "data");
    s->data = sim_lua_to_json(L, -1, "rpc_error data");
    lua_pop(L, 1);
    s->kind = SIM_ROUTE_RPC_ERROR;
    n++;
  }
  lua_pop(L, 1);
  const char *t = sim_lua_opt_str(L, idx, fname, "throws", NULL);
  if (t) {
    s->message = strdup(t);
    s->kind = SIM_ROUTE_THROW;
    n++;
  }
  if (sim_lua_opt_flag(L, idx, fname, "silent", -1) == 1) {
    s->kind = SIM_ROUTE_SILENT;
    n++;
  }
  if (sim_lua_opt_flag(L, idx, fname, "hang", -1) == 1) {
    s->kind = SIM_ROUTE_HANG;
    n++;
  }
  if (n > 1) luaL_error(L, "%s: a handler does one of result, echo, rpc_error, throws, silent, hang", fname);
}

/* A handler spec: { label =, result = | echo = | rpc_error = {...} | throws = | silent = | hang =,
 *                   delay =, send = { subject =, data = }, methods = { name = spec } } */
static void spec_from(lua_State *L, int idx, const char *fname, sim_route_spec *s, bool top) {
  memset(s, 0, sizeof *s);
  if (lua_isnoneornil(L, idx)) return;
  idx = lua_absindex(L, idx);
  luaL_checktype(L, idx, LUA_TTABLE);
  static const char *const known_top[] = {"label", "result", "echo", "rpc_error", "throws", "silent", "hang",
                                          "delay", "send", "methods", NULL};
  static const char *const known_method[] = {"result", "echo", "rpc_error", "throws", "silent", "hang",
                                             "delay", "send", NULL};
  sim_lua_check_options(L, idx, fname, top ? known_top : known_method);
  const char *label = top ? sim_lua_opt_str(L, idx, fname, "label", NULL) : NULL;
  if (label) {
    if (strlen(label) >= sizeof s->label) luaL_error(L, "%s: label '%s' is too long", fname, label);
    snprintf(s->label, sizeof s->label, "%s", label);
  }
  spec_action(L, idx, fname, s);
  sim_lua_opt_dur(L, idx, fname, "delay", &s->delay);
  if (lua_getfield(L, idx, "send") != LUA_TNIL) {
    int t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    static const char *const known[] = {"subject", "data", NULL};
    sim_lua_check_options(L, t, "send", known);
    const char *subj = sim_lua_opt_str(L, t, "send", "subject", NULL);
    if (!subj) luaL_error(L, "send: a subject is required");
    size_t len = 0;
    const char *data = "";
    if (lua_getfield(L, t, "data") != LUA_TNIL) data = luaL_checklstring(L, -1, &len);
    s->send_subject = strdup(subj);
    s->send_data = malloc(len ? len : 1);
    if (len) memcpy(s->send_data, data, len);
    s->send_len = len;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (top && lua_getfield(L, idx, "methods") != LUA_TNIL) {
    int t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    const char *keys[64];
    size_t n = sorted_keys(L, t, "methods", keys, 64);
    s->methods = calloc(n ? n : 1, sizeof *s->methods);
    for (size_t k = 0; k < n; k++) {
      lua_getfield(L, t, keys[k]);
      sim_route_spec *m = calloc(1, sizeof *m);
      spec_from(L, -1, "methods entry", m, false);
      lua_pop(L, 1);
      s->methods[k].name = strdup(keys[k]);
      s->methods[k].spec = m;
      s->nmethods = k + 1;
    }
  }
  if (top) lua_pop(L, 1);
}

static int route_common(lua_State *L, bool prefix) {
  lua_settop(L, 4);
  const char *fname = prefix ? "route_prefix" : "route";
  sim_node *n = router_at(L, 1, fname);
  const char *subject = luaL_checkstring(L, 2);
  sb_router_mode mode = SB_ROUTER_MODE_DEFAULT;
  if (!lua_isnil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    static const char *const known[] = {"mode", NULL};
    sim_lua_check_options(L, 4, fname, known);
    const char *m = sim_lua_opt_str(L, 4, fname, "mode", NULL);
    if (m && !strcmp(m, "exclusive"))
      mode = SB_ROUTER_EXCLUSIVE;
    else if (m && !strcmp(m, "broadcast"))
      mode = SB_ROUTER_BROADCAST;
    else if (m)
      luaL_error(L, "%s: mode is \"exclusive\" or \"broadcast\", not '%s'", fname, m);
  }
  /* The spec is parsed into Lua-owned memory first, so a script error in it leaks nothing. */
  sim_route_spec *s = lua_newuserdatauv(L, sizeof *s, 0);
  memset(s, 0, sizeof *s);
  spec_from(L, 3, fname, s, true);
  uint32_t id = 0;
  int rc = sim_router_route(n, subject, prefix, mode, s, &id);
  if (rc) return sim_lua_result(L, rc);
  lua_pushinteger(L, id);
  return 1;
}

static int l_route(lua_State *L) { return route_common(L, false); }
static int l_route_prefix(lua_State *L) { return route_common(L, true); }

static int l_unsubscribe(lua_State *L) {
  sim_router_unsubscribe(router_at(L, 1, "unsubscribe"), (uint32_t)luaL_checkinteger(L, 2));
  lua_pushboolean(L, 1);
  return 1;
}

static int l_unroute(lua_State *L) {
  sim_router_unroute(router_at(L, 1, "unroute"), luaL_checkstring(L, 2));
  lua_pushboolean(L, 1);
  return 1;
}

static int l_clear_routes(lua_State *L) {
  sim_router_clear(router_at(L, 1, "clear_routes"));
  lua_pushboolean(L, 1);
  return 1;
}

/* peer:on_lifecycle(name, { throws = true }): a lifecycle listener; one that throws (PEER-SM-014). */
static int l_on_lifecycle(lua_State *L) {
  lua_settop(L, 3);
  sim_node *n = sim_lua_node(L, 1);
  if (n->kind != SIM_PEER || sim_peer_is_server(n) || sim_peer_is_raw(n))
    luaL_error(L, "on_lifecycle is for peers with a machine; '%s' is not one", n->name);
  const char *name = luaL_checkstring(L, 2);
  bool throws = false;
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"throws", NULL};
    sim_lua_check_options(L, 3, "on_lifecycle", known);
    throws = sim_lua_opt_flag(L, 3, "on_lifecycle", "throws", -1) == 1;
  }
  if (!throws) {
    lua_pushboolean(L, 1); /* every lifecycle event is in the trace already */
    return 1;
  }
  int rc = sim_peer_listener_throws(n, name);
  if (rc == SB_ERR_ARG) return luaL_error(L, "on_lifecycle: %s", sim_lua_world(L)->err);
  return sim_lua_result(L, rc);
}

/* daemon:rotate_identity(): the operator's manual key rotation (down only). */
static int l_rotate_identity(lua_State *L) {
  sim_node *n = sim_lua_node(L, 1);
  if (n->kind != SIM_DAEMON) luaL_error(L, "rotate_identity is for daemons; '%s' is not one", n->name);
  return sim_lua_result(L, sim_daemon_rotate_identity(n));
}

/* daemon:identity(): the identity key the control plane holds for it, hex. */
static int l_identity(lua_State *L) {
  sim_node *n = sim_lua_node(L, 1);
  if (n->kind != SIM_DAEMON) luaL_error(L, "identity is for daemons; '%s' is not one", n->name);
  const uint8_t *pub = sim_control_identity(&sim_lua_world(L)->control, n->u.daemon.id);
  char hex[65];
  if (!pub || sb_hex_encode(pub, 32, hex, sizeof hex) != 0) return 0;
  lua_pushstring(L, hex);
  return 1;
}

/* ---- expectations ---------------------------------------------------------------------------------- */

typedef struct hmatch {
  int node;
  const char *what;
  const char *label;
  const char *subject, *method, *cid;
  int rpc;   /* -1 any, 0 absent, 1 present */
  int threw; /* handler_done: -1 any, 0 not, 1 threw */
  const char *threw_text;
  lua_Integer conn, order;
  bool has_conn, has_order;
  cJSON *params;
  bool has_params;
} hmatch;

static bool str_eq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static bool h_accept(const sim_rec *r, void *ctx) {
  hmatch *m = ctx;
  if (r->kind != SIM_REC_PEER || r->node != m->node || !str_eq(r->what, m->what)) return false;
  if (m->label && !str_eq(r->tag, m->label)) return false;
  if (m->subject && !str_eq(r->name, m->subject)) return false;
  if (m->has_conn && (!r->has_num || r->num != m->conn)) return false;
  if (m->threw == 1 && r->code != SB_ERR_ROUTER_HANDLER_THREW) return false;
  if (m->threw == 0 && r->code != 0) return false;
  if (m->threw_text && !(r->text && strstr(r->text, m->threw_text))) return false;
  if (m->rpc < 0 && !m->method && !m->cid && !m->has_params && !m->has_order) return true;
  cJSON *v = r->json ? cJSON_Parse(r->json) : NULL;
  const cJSON *rpc = cJSON_GetObjectItemCaseSensitive(v, "rpc");
  bool ok = true;
  if (m->rpc >= 0) ok = ok && (rpc != NULL) == (m->rpc == 1);
  if (m->method) ok = ok && str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rpc, "method")), m->method);
  if (m->cid) ok = ok && str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rpc, "cid")), m->cid);
  if (m->has_params) ok = ok && cJSON_Compare(cJSON_GetObjectItemCaseSensitive(rpc, "params"), m->params, 1);
  if (m->has_order) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(v, "order");
    ok = ok && cJSON_IsNumber(o) && (lua_Integer)o->valuedouble == m->order;
  }
  cJSON_Delete(v);
  return ok;
}

static void push_record(lua_State *L, const sim_rec *r) {
  lua_newtable(L);
  lua_pushinteger(L, r->t);
  lua_setfield(L, -2, "t");
  if (r->tag) {
    lua_pushstring(L, r->tag);
    lua_setfield(L, -2, "label");
  }
  if (r->name) {
    lua_pushstring(L, r->name);
    lua_setfield(L, -2, "subject");
  }
  if (r->text) {
    lua_pushstring(L, r->text);
    lua_setfield(L, -2, "text");
  }
  lua_pushinteger(L, r->num);
  lua_setfield(L, -2, "conn");
  if (r->code) {
    lua_pushstring(L, sb_err_name(r->code));
    lua_setfield(L, -2, "err");
  }
  cJSON *v = r->json ? cJSON_Parse(r->json) : NULL;
  for (const cJSON *it = v ? v->child : NULL; it; it = it->next) {
    sim_lua_push_json(L, it);
    lua_setfield(L, -2, it->string);
  }
  const cJSON *rpc = cJSON_GetObjectItemCaseSensitive(v, "rpc");
  if (rpc) {
    const char *k[] = {"method", "cid"};
    for (int j = 0; j < 2; j++) {
      const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rpc, k[j]));
      if (s) {
        lua_pushstring(L, s);
        lua_setfield(L, -2, k[j]);
      }
    }
  }
  cJSON_Delete(v);
}

static int expect_handler(lua_State *L, const char *fname, const char *what, int cursor, bool negative) {
  const char *short_name = fname + strlen("expect.");
  lua_settop(L, 3);
  sim_node *n = sim_lua_node(L, 1);
  if (!sim_router_is_router(n)) luaL_error(L, "%s is for Router servers; '%s' is not one", fname, n->name);
  hmatch m = {.node = n->index, .what = what, .rpc = -1, .threw = -1};
  m.label = lua_isnil(L, 2) ? NULL : luaL_checkstring(L, 2);
  sb_time_us timeout = 0;
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const kh[] = {"subject", "rpc", "method", "cid", "params", "order", "conn", "timeout", "during", NULL};
    static const char *const kd[] = {"subject", "threw", "conn", "timeout", "during", NULL};
    sim_lua_check_options(L, 3, fname, cursor == SIM_RC_HANDLED ? kh : kd);
    m.subject = sim_lua_opt_str(L, 3, fname, "subject", NULL);
    m.method = sim_lua_opt_str(L, 3, fname, "method", NULL);
    m.cid = sim_lua_opt_str(L, 3, fname, "cid", NULL);
    m.rpc = sim_lua_opt_flag(L, 3, fname, "rpc", -1);
    if (lua_getfield(L, 3, "conn") != LUA_TNIL) {
      m.has_conn = true;
      m.conn = luaL_checkinteger(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 3, "order") != LUA_TNIL) {
      m.has_order = true;
      m.order = luaL_checkinteger(L, -1);
    }
    lua_pop(L, 1);
    if (has_key(L, 3, "params")) {
      lua_getfield(L, 3, "params");
      m.params = sim_lua_to_json(L, -1, "params");
      m.has_params = true;
      lua_pop(L, 1);
    }
    if (lua_getfield(L, 3, "threw") != LUA_TNIL) {
      if (lua_type(L, -1) == LUA_TSTRING) {
        m.threw = 1;
        m.threw_text = lua_tostring(L, -1);
      } else {
        m.threw = lua_toboolean(L, -1);
      }
    }
    lua_pop(L, 1);
  }
  timeout = sim_lua_timeout(L, 3, fname, negative ? "during" : "timeout");
  const char *desc = sim_lua_describe(L, short_name, 3);
  size_t *mine = sim_router_cursor(n, cursor);
  size_t saved = n->cursor[SIM_CUR_PEER];
  n->cursor[SIM_CUR_PEER] = *mine;
  size_t at = sim_lua_expect(L, n, SIM_CUR_PEER, h_accept, &m, timeout, negative, desc);
  *mine = n->cursor[SIM_CUR_PEER];
  n->cursor[SIM_CUR_PEER] = saved;
  cJSON_Delete(m.params);
  if (negative) return 0;
  push_record(L, sim_trace_rec(&sim_lua_world(L)->trace, at));
  return 1;
}

/* expect.handled(server, label, { subject =, rpc =, method =, cid =, params =, order =, conn =, timeout = }) */
static int l_expect_handled(lua_State *L) { return expect_handler(L, "expect.handled", "handler", SIM_RC_HANDLED, false); }
static int l_expect_no_handled(lua_State *L) {
  return expect_handler(L, "expect.no_handled", "handler", SIM_RC_HANDLED, true);
}
/* expect.handler_done(server, label, { threw = true | false | "text", subject =, conn =, timeout = }) */
static int l_expect_handler_done(lua_State *L) {
  return expect_handler(L, "expect.handler_done", "handler_done", SIM_RC_DONE, false);
}

/* ---- installing ------------------------------------------------------------------------------------- */

static void add_methods(lua_State *L, const char *cls, const luaL_Reg *fns) {
  luaL_getmetatable(L, cls);
  lua_getfield(L, -1, "methods");
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 2);
}

void sim_lua_router_install(lua_State *L) {
  static const luaL_Reg world_m[] = {{"sbp_proxy", l_world_proxy}, {NULL, NULL}};
  add_methods(L, "sim.world", world_m);
  static const luaL_Reg node_m[] = {{"route", l_route},
                                    {"route_prefix", l_route_prefix},
                                    {"unsubscribe", l_unsubscribe},
                                    {"unroute", l_unroute},
                                    {"clear_routes", l_clear_routes},
                                    {"on_lifecycle", l_on_lifecycle},
                                    {"rotate_identity", l_rotate_identity},
                                    {"identity", l_identity},
                                    {NULL, NULL}};
  add_methods(L, "sim.node", node_m);
  lua_getglobal(L, "expect");
  static const luaL_Reg expect_f[] = {{"handled", l_expect_handled},
                                      {"no_handled", l_expect_no_handled},
                                      {"handler_done", l_expect_handler_done},
                                      {NULL, NULL}};
  luaL_setfuncs(L, expect_f, 0);
  lua_pop(L, 1);
}
