/*
 * The Lua 5.4 scenario host (lua_host.h). The API it installs is documented
 * in scenarios/README.md; this file is organised as that document is:
 * scenario{}, sim.*, the world, nodes, wires, expect.*, then the runner.
 *
 * Errors: a broken script raises a Lua error whose message starts with
 * file:line (luaL_error / luaL_argerror add the caller's position); an
 * expectation failure, a skip, the declaration-only stop and an internal
 * failure raise a sentinel (a light userdata) after recording what
 * happened in the host, so the runner tells them apart without parsing.
 */
#define _POSIX_C_SOURCE 200809L
#include "lua_host.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/hex.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "sim_internal.h"

/* ---- the host ------------------------------------------------------------------------ */

typedef struct host {
  const char *path;      /* as given */
  char display[256];     /* its last component, for trace locations */
  const sim_run_opts *o;
  sim_scenario_result *res;
  sim_world *w;
  bool declared;
  bool has_world_seed;
  uint64_t world_seed;
  sb_time_us expect_timeout;
  FILE *log;
  unsigned mega_instructions; /* count hook: millions of Lua instructions run */
} host;

/* Sentinels raised as error values (their addresses are unique). */
static const char STOP_DECLARED = 'd', STOP_SKIP = 's', STOP_FAIL = 'f', STOP_INTERNAL = 'i';
static const char HOST_KEY = 'h', NODES_KEY = 'n', SCRATCH_KEY = 'x';

static host *get_host(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &HOST_KEY);
  host *h = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return h;
}

static _Noreturn void stop(lua_State *L, const char *sentinel) {
  lua_pushlightuserdata(L, (void *)sentinel);
  lua_error(L);
  abort(); /* lua_error does not return */
}

static void set_message(host *h, const char *msg) {
  free(h->res->message);
  h->res->message = sim_xstrdup(msg);
}

static sim_world *need_world(lua_State *L, host *h) {
  if (!h->w) luaL_error(L, "no world yet: call sim.world{...} first");
  return h->w;
}

static void fail_expect(lua_State *L, host *h, const char *what, sim_buf *detail);

/* Raise the internal-error sentinel if the world stopped on one; fail the
 * scenario at a violation of the layer invariant (sim_peer.h). */
static void check_internal(lua_State *L, host *h) {
  if (h->w && h->w->violation[0]) {
    sim_buf detail = {0};
    sim_buf_printf(&detail, "  %s\n", h->w->violation);
    h->w->violation[0] = '\0';
    fail_expect(L, h, "the layer invariant (SBP bytes delivered as sent)", &detail);
  }
  if (!h->w || !h->w->internal[0]) return;
  char msg[400];
  snprintf(msg, sizeof msg, "internal error: %s", h->w->internal);
  set_message(h, msg);
  stop(L, &STOP_INTERNAL);
}

/* "file.lua:12" of the Lua code calling the API function. */
static void where(lua_State *L, char *out, size_t cap) {
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
    const char *src = ar.short_src, *slash = strrchr(src, '/');
    snprintf(out, cap, "%s:%d", slash ? slash + 1 : src, ar.currentline);
  } else {
    snprintf(out, cap, "?");
  }
}

/* ---- argument helpers --------------------------------------------------------------------- */

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Refuse keys of option table `idx` not in `known` (NULL-ended): the first
 * unknown one in sorted order, so the message is the same in every run. */
static void check_options(lua_State *L, int idx, const char *fname, const char *const *known) {
  idx = lua_absindex(L, idx);
  const char *bad[64];
  size_t nbad = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      if (lua_isinteger(L, -1)) luaL_error(L, "%s: options are named (name = value), not a list", fname);
      luaL_error(L, "%s: option names must be strings", fname);
    }
    const char *k = lua_tostring(L, -1);
    bool ok = false;
    for (const char *const *p = known; *p; p++)
      if (!strcmp(*p, k)) ok = true;
    if (!ok && nbad < 64) bad[nbad++] = k; /* the key stays on the table, so the string lives */
  }
  if (!nbad) return;
  qsort(bad, nbad, sizeof bad[0], cmp_cstr);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (const char *const *p = known; *p; p++) {
    if (p != known) luaL_addstring(&b, ", ");
    luaL_addstring(&b, *p);
  }
  luaL_pushresult(&b);
  luaL_error(L, "unknown option '%s' for %s (known: %s)", bad[0], fname, lua_tostring(L, -1));
}

/* Push field `key` of table `idx`; returns its type. */
static int field(lua_State *L, int idx, const char *key) { return lua_getfield(L, idx, key); }

/* Option readers shared with the binding files (lua_host.h): an absent
 * (nil) option leaves the default, a wrong type or range is a broken script
 * whose message names the option and the function. */
const char *sim_lua_opt_str(lua_State *L, int idx, const char *fname, const char *key, const char *def) {
  int t = field(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return def;
  }
  if (t != LUA_TSTRING)
    luaL_error(L, "option '%s' of %s must be a string (got %s)", key, fname, luaL_typename(L, -1));
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1); /* still referenced by the table */
  return s;
}

int sim_lua_opt_flag(lua_State *L, int idx, const char *fname, const char *key, int def) {
  int t = field(L, idx, key);
  int v = def;
  if (t == LUA_TBOOLEAN)
    v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL)
    luaL_error(L, "option '%s' of %s must be true or false (got %s)", key, fname, luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

bool sim_lua_opt_int(lua_State *L, int idx, const char *fname, const char *key, lua_Integer min,
                     lua_Integer max, lua_Integer *out) {
  if (field(L, idx, key) == LUA_TNIL) {
    lua_pop(L, 1);
    return false;
  }
  int isint = 0;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint)
    luaL_error(L, "option '%s' of %s must be an integer (got %s)", key, fname, luaL_typename(L, -1));
  if (v < min || v > max)
    luaL_error(L, "option '%s' of %s must be between %I and %I (got %I)", key, fname, (LUAI_UACINT)min,
               (LUAI_UACINT)max, (LUAI_UACINT)v);
  lua_pop(L, 1);
  *out = v;
  return true;
}

lua_Integer sim_lua_opt_int_or(lua_State *L, int idx, const char *fname, const char *key, lua_Integer def,
                               lua_Integer min, lua_Integer max) {
  sim_lua_opt_int(L, idx, fname, key, min, max, &def);
  return def;
}

static double opt_number(lua_State *L, int idx, const char *fname, const char *key, double def) {
  int t = field(L, idx, key);
  double v = def;
  if (t == LUA_TNUMBER)
    v = lua_tonumber(L, -1);
  else if (t != LUA_TNIL)
    luaL_error(L, "option '%s' of %s must be a number (got %s)", key, fname, luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

/* A duration at stack index `idx` ("5ms"); `what` names it in messages. */
static sb_time_us duration_at(lua_State *L, int idx, const char *what) {
  if (lua_type(L, idx) == LUA_TNUMBER && lua_isinteger(L, idx) && lua_tointeger(L, idx) == 0)
    return 0;
  if (lua_type(L, idx) != LUA_TSTRING)
    luaL_error(L, "%s must be a duration string such as \"250ms\" or \"2s\" (got %s)", what,
               luaL_typename(L, idx));
  sb_time_us d;
  const char *s = lua_tostring(L, idx);
  if (sim_duration_parse(s, &d) != 0)
    luaL_error(L, "bad duration '%s' for %s (write a number and a unit: us, ms, s, m or h, e.g. \"250ms\")",
               s, what);
  return d;
}

bool sim_lua_opt_dur(lua_State *L, int idx, const char *fname, const char *key, sb_time_us *out) {
  if (field(L, idx, key) == LUA_TNIL) {
    lua_pop(L, 1);
    return false;
  }
  char what[96];
  snprintf(what, sizeof what, "option '%s' of %s", key, fname);
  *out = duration_at(L, -1, what);
  lua_pop(L, 1);
  return true;
}

sb_time_us sim_lua_opt_dur_or(lua_State *L, int idx, const char *fname, const char *key, sb_time_us def) {
  sim_lua_opt_dur(L, idx, fname, key, &def);
  return def;
}

/* Bytes from a hex string at `idx`. The buffer is a userdata kept in a
 * scratch table for the rest of the scenario, so it outlives the call. */
static const uint8_t *hex_at(lua_State *L, int idx, const char *what, size_t *len) {
  if (lua_type(L, idx) != LUA_TSTRING)
    luaL_error(L, "%s must be a hex string (got %s)", what, luaL_typename(L, idx));
  size_t n = 0;
  const char *s = lua_tolstring(L, idx, &n);
  if (n % 2) luaL_error(L, "%s: hex string of odd length %d", what, (int)n);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &SCRATCH_KEY);
  uint8_t *buf = lua_newuserdatauv(L, n / 2 + 1, 0);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1);
  size_t got = 0;
  if (sb_hex_decode(s, n, buf, n / 2 + 1, &got) != 0) luaL_error(L, "%s: '%s' is not hex", what, s);
  *len = got;
  return buf;
}

/* ---- nodes and wires as Lua values ------------------------------------------------------- */

typedef struct lnode {
  int index;
} lnode;

typedef struct lwire {
  int node;
  int dir;
} lwire;

static void push_node(lua_State *L, sim_node *n) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &NODES_KEY);
  if (lua_rawgeti(L, -1, n->index) == LUA_TNIL) {
    lua_pop(L, 1);
    lnode *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->index = n->index;
    luaL_setmetatable(L, "sim.node");
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, n->index);
  }
  lua_remove(L, -2);
}

static const char *kind_name(sim_node_kind k) {
  switch (k) {
    case SIM_CONTROL:
      return "control";
    case SIM_RELAY:
      return "relay";
    case SIM_DAEMON:
      return "daemon";
    case SIM_CLIENT:
      return "client";
    case SIM_PEER:
      return "peer";
  }
  return "?";
}

/* The node at `idx`: a node value or a node name. */
static sim_node *node_at(lua_State *L, int idx) {
  host *h = get_host(L);
  lnode *u = luaL_testudata(L, idx, "sim.node");
  if (u) return need_world(L, h)->nodes[u->index];
  if (lua_type(L, idx) == LUA_TSTRING) {
    sim_world *w = need_world(L, h);
    const char *name = lua_tostring(L, idx);
    sim_node *n = sim_world_node(w, name);
    if (n) return n;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i < w->nnodes; i++) {
      if (i > 1) luaL_addstring(&b, ", ");
      luaL_addstring(&b, w->nodes[i]->name);
    }
    luaL_pushresult(&b);
    luaL_error(L, "unknown node '%s' (nodes: %s)", name, w->nnodes > 1 ? lua_tostring(L, -1) : "none yet");
  }
  luaL_typeerror(L, idx, "node");
  return NULL;
}

static sim_node *node_of_kind(lua_State *L, int idx, sim_node_kind kind, const char *fname) {
  sim_node *n = node_at(L, idx);
  if (n->kind != kind)
    luaL_error(L, "%s is for a %s; '%s' is a %s", fname, kind_name(kind), n->name, kind_name(n->kind));
  return n;
}

/* A SessionID at `idx`: an integer, a client (its current session), or 16 hex digits. */
static uint64_t sid_at(lua_State *L, int idx, const char *what) {
  if (lua_isinteger(L, idx)) return (uint64_t)lua_tointeger(L, idx);
  if (luaL_testudata(L, idx, "sim.node")) {
    sim_node *n = node_at(L, idx);
    if (n->kind != SIM_CLIENT)
      luaL_error(L, "%s: '%s' is a %s, not a client", what, n->name, kind_name(n->kind));
    uint64_t sid = sim_client_session_id(n);
    if (!sid) luaL_error(L, "%s: client '%s' has no session yet", what, n->name);
    return sid;
  }
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n = 0;
    const char *s = lua_tolstring(L, idx, &n);
    uint8_t b[8];
    size_t got = 0;
    if (n == 16 && sb_hex_decode(s, n, b, sizeof b, &got) == 0 && got == 8)
      return sb_load_u64be(b);
  }
  luaL_error(L, "%s must be a SessionID: a client, an integer or 16 hex digits (got %s)", what,
             luaL_typename(L, idx));
  return 0;
}

/* Return an action's result: true, or false and the error's name and text. */
static int push_result(lua_State *L, host *h, int rc) {
  check_internal(L, h);
  if (rc == 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushboolean(L, 0);
  lua_pushstring(L, sb_err_name(rc));
  lua_pushstring(L, h->w->err);
  return 3;
}

/* ---- scenario{} --------------------------------------------------------------------------- */

static char **string_list(lua_State *L, int idx, const char *key, size_t *n) {
  *n = 0;
  if (field(L, idx, key) == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  if (!lua_istable(L, -1))
    luaL_error(L, "scenario: '%s' must be a list of strings (got %s)", key, luaL_typename(L, -1));
  lua_Integer len = luaL_len(L, -1);
  char **out = calloc((size_t)len + 1, sizeof *out);
  for (lua_Integer i = 1; i <= len; i++) {
    if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
      for (size_t k = 0; k < *n; k++) free(out[k]);
      free(out);
      luaL_error(L, "scenario: entry %d of '%s' must be a string (got %s)", (int)i, key,
                 luaL_typename(L, -1));
    }
    out[(*n)++] = sim_xstrdup(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return out;
}

static int l_scenario(lua_State *L) {
  host *h = get_host(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const known[] = {"name", "description", "requirements", "rows", "skip", NULL};
  check_options(L, 1, "scenario", known);
  if (h->declared) luaL_error(L, "scenario{} is called once per file");
  if (h->w) luaL_error(L, "scenario{} must come before sim.world{}");
  const char *name = sim_lua_opt_str(L, 1, "scenario", "name", NULL);
  if (!name || !*name) luaL_error(L, "scenario: a name is required (scenario{ name = \"...\" })");
  const char *desc = sim_lua_opt_str(L, 1, "scenario", "description", NULL);
  const char *skip = sim_lua_opt_str(L, 1, "scenario", "skip", NULL);
  sim_scenario_result *r = h->res;
  r->requirements = string_list(L, 1, "requirements", &r->nrequirements);
  r->rows_declared = string_list(L, 1, "rows", &r->nrows_declared);
  for (size_t i = 0; i < r->nrows_declared; i++)
    if (strncmp(r->rows_declared[i], "SBRP-SM-", 8) && strncmp(r->rows_declared[i], "PEER-SM-", 8))
      luaL_error(L, "scenario: rows lists state-machine table rows (\"SBRP-SM-C-004\"), not '%s'",
                 r->rows_declared[i]);
  r->name = sim_xstrdup(name);
  r->description = sim_xstrdup(desc);
  h->declared = true;
  if (h->o->declare_only) stop(L, &STOP_DECLARED);
  if (skip) {
    set_message(h, skip);
    stop(L, &STOP_SKIP);
  }
  return 0;
}

/* ---- sim.* helpers -------------------------------------------------------------------------- */

static int l_hex(lua_State *L) {
  size_t n = 0;
  const char *s = luaL_checklstring(L, 1, &n);
  sim_buf b = {0};
  sim_buf_hex(&b, (const uint8_t *)s, n);
  lua_pushlstring(L, b.s ? b.s : "", b.len);
  sim_buf_free(&b);
  return 1;
}

static int l_unhex(lua_State *L) {
  luaL_checktype(L, 1, LUA_TSTRING);
  size_t n = 0;
  const uint8_t *p = hex_at(L, 1, "sim.unhex's argument", &n);
  lua_pushlstring(L, (const char *)p, n);
  return 1;
}

static int l_duration(lua_State *L) {
  lua_pushinteger(L, duration_at(L, 1, "sim.duration's argument"));
  return 1;
}

static int type_code(lua_State *L, int idx, const char *what) {
  if (lua_isinteger(L, idx)) {
    lua_Integer v = lua_tointeger(L, idx);
    if (v < 0 || v > 255) luaL_error(L, "%s: type %d is not a byte", what, (int)v);
    return (int)v;
  }
  const char *name = lua_tostring(L, idx);
  if (lua_type(L, idx) == LUA_TSTRING) {
    for (int t = 0; t < 256; t++) {
      const char *tn = sb_sbrp_type_name((uint8_t)t);
      if (tn && !strcmp(tn, name)) return t;
    }
    luaL_error(L, "%s: unknown frame type '%s' (HandshakeInit, HandshakeAccept, Data, Signal, Ping, Pong, Control)",
               what, name);
  }
  luaL_error(L, "%s: a frame type is a name or a number (got %s)", what, luaL_typename(L, idx));
  return -1;
}

/* sim.frame{ type=, sid=, payload= (bytes), hex= (payload as hex), length= } -> bytes */
static int l_frame(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const known[] = {"type", "sid", "payload", "hex", "length", "control", "signal", "reason", NULL};
  check_options(L, 1, "sim.frame", known);
  if (field(L, 1, "type") == LUA_TNIL) luaL_error(L, "sim.frame: 'type' is required");
  int type = type_code(L, -1, "sim.frame");
  lua_pop(L, 1);
  uint64_t sid = 0;
  if (field(L, 1, "sid") != LUA_TNIL) sid = sid_at(L, -1, "sim.frame's sid");
  lua_pop(L, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  uint8_t hdr[SB_SBRP_HEADER_BYTES];
  size_t plen = 0;
  const uint8_t *payload = NULL;
  uint8_t small[2];
  if (field(L, 1, "payload") != LUA_TNIL) {
    payload = (const uint8_t *)luaL_checklstring(L, -1, &plen);
  }
  lua_pop(L, 1);
  if (field(L, 1, "hex") != LUA_TNIL) payload = hex_at(L, -1, "sim.frame's hex", &plen);
  lua_pop(L, 1);
  const char *ctrl = sim_lua_opt_str(L, 1, "sim.frame", "control", NULL);
  if (ctrl) {
    const sb_sbrp_ctrl_info *ci = sb_sbrp_control_by_name(ctrl);
    if (!ci) luaL_error(L, "sim.frame: unknown control code '%s'", ctrl);
    small[0] = (uint8_t)(ci->code >> 8);
    small[1] = (uint8_t)ci->code;
    payload = small;
    plen = 2;
  }
  const char *sig = sim_lua_opt_str(L, 1, "sim.frame", "signal", NULL);
  if (sig) {
    const char *reason = sim_lua_opt_str(L, 1, "sim.frame", "reason", "none");
    small[0] = !strcmp(sig, "ready") ? 0 : !strcmp(sig, "close") ? 1 : 0xff;
    if (small[0] == 0xff) luaL_error(L, "sim.frame: signal is \"ready\" or \"close\", not '%s'", sig);
    small[1] = 0xff;
    for (int k = 0; k < 256; k++) {
      const char *rn = sb_sbrp_signal_reason_name((uint8_t)k);
      if (rn && !strcmp(rn, reason)) small[1] = (uint8_t)k;
    }
    if (small[1] == 0xff) luaL_error(L, "sim.frame: unknown reason '%s'", reason);
    payload = small;
    plen = 2;
  }
  lua_Integer length = sim_lua_opt_int_or(L, 1, "sim.frame", "length", (lua_Integer)plen, 0, UINT32_MAX);
  sb_sbrp_header_write(hdr, (uint8_t)type, (uint32_t)length, sid);
  luaL_addlstring(&b, (const char *)hdr, sizeof hdr);
  if (plen) luaL_addlstring(&b, (const char *)payload, plen);
  luaL_pushresult(&b);
  return 1;
}

/* ---- the world ---------------------------------------------------------------------------------- */

static host *world_self(lua_State *L) {
  luaL_checkudata(L, 1, "sim.world");
  host *h = get_host(L);
  need_world(L, h);
  return h;
}

static void trace_info(host *h, const char *what, const char *text) {
  sim_rec r = {.kind = SIM_REC_INFO, .node = -1, .peer = -1, .what = (char *)what, .text = (char *)text};
  sim_world_trace(h->w, &r);
}

static int l_world(lua_State *L) {
  host *h = get_host(L);
  if (!h->declared) luaL_error(L, "call scenario{ name = ..., requirements = {...} } before sim.world{}");
  if (h->w) luaL_error(L, "a scenario has one world");
  if (lua_isnoneornil(L, 1)) lua_newtable(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const known[] = {"seed", "latency", "jitter", "epoch", "timeout", NULL};
  check_options(L, 1, "sim.world", known);
  h->expect_timeout = sim_lua_opt_dur_or(L, 1, "sim.world", "timeout", h->expect_timeout);
  sim_world_config cfg;
  sim_world_config_default(&cfg);
  lua_Integer seed = sim_lua_opt_int_or(L, 1, "sim.world", "seed", (lua_Integer)SIM_DEFAULT_SEED, 0, LUA_MAXINTEGER);
  cfg.seed = h->o->has_seed ? h->o->seed : (uint64_t)seed;
  cfg.latency = sim_lua_opt_dur_or(L, 1, "sim.world", "latency", cfg.latency);
  cfg.jitter = sim_lua_opt_dur_or(L, 1, "sim.world", "jitter", cfg.jitter);
  cfg.epoch_s = sim_lua_opt_int_or(L, 1, "sim.world", "epoch", cfg.epoch_s, 0, INT64_C(4102444800));
  h->w = sim_world_new(&cfg, h->o->trace);
  if (!h->w) luaL_error(L, "out of memory");
  if (h->o->keep_records) sim_trace_set_keep(&h->w->trace, h->o->keep_records);
  h->res->seed = cfg.seed;
  if (h->o->pcap) sim_world_set_pcap(h->w, h->o->pcap);
  if (h->o->keylog) sim_world_set_keylog(h->w, h->o->keylog);
  char text[300];
  snprintf(text, sizeof text, "%s (seed %llu)", h->res->name, (unsigned long long)cfg.seed);
  trace_info(h, "scenario", text);
  /* math.random follows the seed too, so scripts that use it stay deterministic. */
  lua_getglobal(L, "math");
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, (lua_Integer)cfg.seed);
  lua_call(L, 1, 0);
  lua_pop(L, 1);
  lua_newuserdatauv(L, 1, 0);
  luaL_setmetatable(L, "sim.world");
  return 1;
}

/* Run events until `pred` holds or the clock passes `deadline`; true if it held. */
typedef bool (*pred_fn)(lua_State *L, host *h, void *ctx);

static bool run_until(lua_State *L, host *h, pred_fn pred, void *ctx, sb_time_us deadline) {
  sim_world *w = h->w;
  for (;;) {
    if (pred(L, h, ctx)) return true;
    check_internal(L, h);
    if (sim_sched_next_time(&w->sched) > deadline) {
      sim_world_run_to(w, deadline);
      check_internal(L, h);
      return pred(L, h, ctx);
    }
    sim_world_step(w);
  }
}

static void fail_expect(lua_State *L, host *h, const char *what, sim_buf *detail);

static bool lua_pred(lua_State *L, host *h, void *ctx) {
  (void)h;
  lua_pushvalue(L, *(int *)ctx);
  lua_call(L, 0, 1);
  bool ok = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return ok;
}

/* world:run_until(fn, timeout) */
static int l_world_run_until(lua_State *L) {
  host *h = world_self(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  sb_time_us timeout = lua_isnoneornil(L, 3) ? h->expect_timeout : duration_at(L, 3, "run_until's timeout");
  int fn = 2;
  sb_time_us start = h->w->now;
  if (run_until(L, h, lua_pred, &fn, start + timeout)) {
    lua_pushboolean(L, 1);
    return 1;
  }
  char d[32];
  sim_duration_format(timeout, d, sizeof d);
  sim_buf detail = {0};
  sim_buf_printf(&detail, "  the condition was still false after %s of virtual time\n", d);
  fail_expect(L, h, "world:run_until(...)", &detail);
  return 0;
}

static int l_world_advance(lua_State *L) {
  host *h = world_self(L);
  sb_time_us d = duration_at(L, 2, "advance's argument");
  sim_world_run_to(h->w, h->w->now + d);
  check_internal(L, h);
  return 0;
}

static bool queue_empty(lua_State *L, host *h, void *ctx) {
  (void)L;
  (void)ctx;
  return h->w->sched.n == 0;
}

/* world:settle(limit): run until nothing is scheduled (at most `limit`, default 1 min). */
static int l_world_settle(lua_State *L) {
  host *h = world_self(L);
  sb_time_us limit = lua_isnoneornil(L, 2) ? SB_TIME_S(60) : duration_at(L, 2, "settle's limit");
  lua_pushboolean(L, run_until(L, h, queue_empty, NULL, h->w->now + limit));
  return 1;
}

static int l_world_note(lua_State *L) {
  host *h = world_self(L);
  trace_info(h, "note", luaL_checkstring(L, 2));
  return 0;
}

static int l_world_node(lua_State *L) {
  world_self(L);
  push_node(L, node_at(L, 2));
  return 1;
}

static void backoff_opt(lua_State *L, int idx, const char *fname, sb_peer_retry_policy *p) {
  if (field(L, idx, "backoff") == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1)) luaL_error(L, "option 'backoff' of %s must be a table", fname);
  int t = lua_gettop(L);
  static const char *const known[] = {"initial", "max", "jitter", "attempts", NULL};
  check_options(L, t, "backoff", known);
  p->initial_delay_ms = (double)sim_lua_opt_dur_or(L, t, "backoff", "initial", (sb_time_us)(p->initial_delay_ms * 1000)) / 1000.0;
  p->max_delay_ms = (double)sim_lua_opt_dur_or(L, t, "backoff", "max", (sb_time_us)(p->max_delay_ms * 1000)) / 1000.0;
  p->jitter = opt_number(L, t, "backoff", "jitter", p->jitter);
  if (p->jitter < 0 || p->jitter > 1) luaL_error(L, "backoff: jitter must be between 0 and 1");
  p->max_attempts = (uint32_t)sim_lua_opt_int_or(L, t, "backoff", "attempts", p->max_attempts, 0, UINT32_MAX);
  lua_pop(L, 1);
}

/* The world runs until `n` is online, for world:daemon{}. */
static bool daemon_online(lua_State *L, host *h, void *ctx) {
  (void)L;
  (void)h;
  sim_node *n = ctx;
  return !strcmp(sim_node_state(n), "Connected") || h->w->internal[0];
}

static int l_world_relay(lua_State *L) {
  host *h = world_self(L);
  if (lua_isnoneornil(L, 2)) lua_newtable(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const known[] = {"grace", "rate_limit", "rate_window", "backpressure",
                                      "idle_timeout", "max_sessions", "region", "skew",
                                      "endpoints", "jwks_cache", NULL};
  const char *f = "world:relay";
  check_options(L, 2, f, known);
  sim_relay_opts o;
  sim_relay_opts_default(&o);
  o.grace = sim_lua_opt_dur_or(L, 2, f, "grace", 0);
  o.rate_limit = (uint32_t)sim_lua_opt_int_or(L, 2, f, "rate_limit", 0, 0, UINT32_MAX);
  o.rate_window = sim_lua_opt_dur_or(L, 2, f, "rate_window", 0);
  o.backpressure_bytes = (size_t)sim_lua_opt_int_or(L, 2, f, "backpressure", 0, 0, LUA_MAXINTEGER);
  o.idle_timeout = sim_lua_opt_dur_or(L, 2, f, "idle_timeout", 0);
  o.max_sessions = (uint32_t)sim_lua_opt_int_or(L, 2, f, "max_sessions", 0, 0, UINT32_MAX);
  o.region = sim_lua_opt_str(L, 2, f, "region", NULL);
  o.skew_s = (int)sim_lua_opt_int_or(L, 2, f, "skew", -1, -1, 30);
  const char *ep = sim_lua_opt_str(L, 2, f, "endpoints", "one");
  if (strcmp(ep, "one") && strcmp(ep, "split"))
    luaL_error(L, "option 'endpoints' of %s is \"one\" or \"split\", not '%s'", f, ep);
  o.split_endpoints = !strcmp(ep, "split");
  o.jwks_max_age = sim_lua_opt_dur_or(L, 2, f, "jwks_cache", 0);
  sim_node *n = sim_world_add_relay(h->w, &o);
  if (!n) luaL_error(L, "%s", h->w->err);
  push_node(L, n);
  return 1;
}

static int l_world_daemon(lua_State *L) {
  host *h = world_self(L);
  if (lua_isnoneornil(L, 2)) lua_newtable(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const known[] = {"name", "id", "resumable", "persist", "connect", "auto_reconnect",
                                      "backoff", "grace", "accept_delay", "handshake_timeout",
                                      "ping_interval", "replay_window", NULL};
  const char *f = "world:daemon";
  check_options(L, 2, f, known);
  sim_daemon_opts o;
  sim_daemon_opts_default(&o);
  o.name = sim_lua_opt_str(L, 2, f, "name", NULL);
  o.id = sim_lua_opt_str(L, 2, f, "id", NULL);
  o.resumable = sim_lua_opt_flag(L, 2, f, "resumable", false);
  o.persist = sim_lua_opt_flag(L, 2, f, "persist", false);
  o.connect = sim_lua_opt_flag(L, 2, f, "connect", true);
  o.auto_reconnect = sim_lua_opt_flag(L, 2, f, "auto_reconnect", true);
  backoff_opt(L, 2, f, &o.backoff);
  o.grace = sim_lua_opt_dur_or(L, 2, f, "grace", 0);
  o.accept_delay = sim_lua_opt_dur_or(L, 2, f, "accept_delay", 0);
  o.handshake_timeout = sim_lua_opt_dur_or(L, 2, f, "handshake_timeout", 0);
  o.ping_interval = sim_lua_opt_dur_or(L, 2, f, "ping_interval", 0);
  o.replay_window = (uint32_t)sim_lua_opt_int_or(L, 2, f, "replay_window", 0, 0, SB_CONFIG_REPLAY_MAX_WINDOW);
  sim_node *n = sim_world_add_daemon(h->w, &o);
  if (!n) luaL_error(L, "%s", h->w->err);
  check_internal(L, h);
  if (o.connect && !run_until(L, h, daemon_online, n, h->w->now + SB_TIME_S(10))) {
    sim_buf detail = {0};
    sim_buf_printf(&detail, "  daemon '%s' did not reach Connected within 10s (state %s)\n", n->name,
                   sim_node_state(n));
    fail_expect(L, h, "world:daemon{...} coming online", &detail);
  }
  push_node(L, n);
  return 1;
}

static int l_world_client(lua_State *L) {
  host *h = world_self(L);
  if (lua_isnoneornil(L, 2)) lua_newtable(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const known[] = {"name", "daemon", "trust", "accept_first", "accept_change", "pin",
                                      "auto_reconnect", "backoff", "handshake_timeout", "replay_window",
                                      "strict_direction", NULL};
  const char *f = "world:client";
  check_options(L, 2, f, known);
  sim_client_opts o;
  sim_client_opts_default(&o);
  o.name = sim_lua_opt_str(L, 2, f, "name", NULL);
  int t = field(L, 2, "daemon");
  if (t == LUA_TNIL) {
    sim_node *only = NULL;
    int count = 0;
    for (int i = 0; i < h->w->nnodes; i++)
      if (h->w->nodes[i]->kind == SIM_DAEMON) {
        only = h->w->nodes[i];
        count++;
      }
    if (count != 1) luaL_error(L, "world:client: say which daemon it connects to (daemon = ...)");
    o.daemon_id = only->u.daemon.id;
  } else if (luaL_testudata(L, -1, "sim.node")) {
    sim_node *d = node_of_kind(L, -1, SIM_DAEMON, "world:client's daemon");
    o.daemon_id = d->u.daemon.id;
  } else if (t == LUA_TSTRING) {
    o.daemon_id = lua_tostring(L, -1); /* a daemon ID: it need not exist (daemon_offline) */
  } else {
    luaL_error(L, "option 'daemon' of world:client must be a daemon or a daemon ID (got %s)",
               luaL_typename(L, -1));
  }
  const char *trust = sim_lua_opt_str(L, 2, f, "trust", "auto");
  if (!strcmp(trust, "auto"))
    o.trust = SB_SBRP_TRUST_AUTO;
  else if (!strcmp(trust, "prompt"))
    o.trust = SB_SBRP_TRUST_PROMPT;
  else if (!strcmp(trust, "pinned-only"))
    o.trust = SB_SBRP_TRUST_PINNED_ONLY;
  else
    luaL_error(L, "world:client: trust is \"auto\", \"prompt\" or \"pinned-only\", not '%s'", trust);
  o.accept_first = sim_lua_opt_flag(L, 2, f, "accept_first", true);
  o.accept_change = sim_lua_opt_flag(L, 2, f, "accept_change", false);
  const char *pin = sim_lua_opt_str(L, 2, f, "pin", NULL);
  if (pin && !strcmp(pin, "daemon"))
    o.pin = SIM_PIN_DAEMON;
  else if (pin && !strcmp(pin, "wrong"))
    o.pin = SIM_PIN_WRONG;
  else if (pin)
    luaL_error(L, "world:client: pin is \"daemon\" (its real key) or \"wrong\" (another key), not '%s'", pin);
  o.auto_reconnect = sim_lua_opt_flag(L, 2, f, "auto_reconnect", true);
  backoff_opt(L, 2, f, &o.backoff);
  o.handshake_timeout = sim_lua_opt_dur_or(L, 2, f, "handshake_timeout", 0);
  o.replay_window = (uint32_t)sim_lua_opt_int_or(L, 2, f, "replay_window", 0, 0, SB_CONFIG_REPLAY_MAX_WINDOW);
  o.strict_direction = sim_lua_opt_flag(L, 2, f, "strict_direction", false);
  sim_node *n = sim_world_add_client(h->w, &o);
  lua_pop(L, 1); /* the daemon option */
  if (!n) luaL_error(L, "%s", h->w->err);
  push_node(L, n);
  return 1;
}

static int dir_of(lua_State *L, sim_node *a, sim_node *b, sim_node **end) {
  if (a->kind == SIM_RELAY && (b->kind == SIM_CLIENT || b->kind == SIM_DAEMON)) {
    *end = b;
    return SIM_DOWN;
  }
  if (b->kind == SIM_RELAY && (a->kind == SIM_CLIENT || a->kind == SIM_DAEMON)) {
    *end = a;
    return SIM_UP;
  }
  luaL_error(L, "a wire joins the relay and a client or daemon ('%s' -> '%s' is not one)", a->name, b->name);
  return 0;
}

/* world:wire(from, to): the wire carrying frames from `from` to `to`. */
static int l_world_wire(lua_State *L) {
  world_self(L);
  sim_node *a = node_at(L, 2), *b = node_at(L, 3), *end = NULL;
  int dir = dir_of(L, a, b, &end);
  lwire *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->node = end->index;
  u->dir = dir;
  luaL_setmetatable(L, "sim.wire");
  return 1;
}

static int l_world_partition(lua_State *L) {
  lua_settop(L, 3);
  host *h = world_self(L);
  sim_node *n = node_at(L, 2);
  bool drop = false;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const known[] = {"drop", NULL};
    check_options(L, 3, "world:partition", known);
    drop = sim_lua_opt_flag(L, 3, "world:partition", "drop", false);
  }
  if (sim_node_partition(n, drop) != 0) luaL_error(L, "%s", h->w->err);
  check_internal(L, h);
  return 0;
}

/* world:rotate_key{ retire_old = false }: the control plane's new signing key. */
static int l_world_rotate_key(lua_State *L) {
  host *h = world_self(L);
  bool retire = false;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const known[] = {"retire_old", NULL};
    check_options(L, 2, "world:rotate_key", known);
    retire = sim_lua_opt_flag(L, 2, "world:rotate_key", "retire_old", false);
  }
  return push_result(L, h, sim_world_rotate_key(h->w, retire));
}

static int l_world_heal(lua_State *L) {
  host *h = world_self(L);
  sim_node_heal(node_at(L, 2));
  check_internal(L, h);
  return 0;
}

static int l_world_index(lua_State *L) {
  host *h = world_self(L);
  const char *k = luaL_checkstring(L, 2);
  if (!strcmp(k, "now")) {
    lua_pushinteger(L, h->w->now);
    return 1;
  }
  if (!strcmp(k, "seed")) {
    lua_pushinteger(L, (lua_Integer)h->w->cfg.seed);
    return 1;
  }
  if (luaL_getmetafield(L, 1, "methods") != LUA_TNIL) {
    lua_getfield(L, -1, k);
    if (!lua_isnil(L, -1)) return 1;
  }
  return luaL_error(L, "the world has no field or method '%s'", k);
}

/* ---- node methods ------------------------------------------------------------------------------- */

static sim_node *self_node(lua_State *L) {
  luaL_checkudata(L, 1, "sim.node");
  return node_at(L, 1);
}

static sim_token_opts token_opts(lua_State *L, int idx, const char *fname) {
  sim_token_opts t = {0};
  if (lua_isnoneornil(L, idx)) return t;
  luaL_checktype(L, idx, LUA_TTABLE);
  static const char *const known[] = {"token", "sid", "bearer", NULL};
  check_options(L, idx, fname, known);
  t.fault = sim_lua_opt_str(L, idx, fname, "token", NULL);
  t.bearer = sim_lua_opt_flag(L, idx, fname, "bearer", false);
  if (t.fault && !sim_control_fault(t.fault)) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (const sim_token_fault *f = sim_control_faults(); f->name; f++) {
      if (f != sim_control_faults()) luaL_addstring(&b, ", ");
      luaL_addstring(&b, f->name);
    }
    luaL_pushresult(&b);
    luaL_error(L, "%s: unknown token fault '%s' (known: %s)", fname, t.fault, lua_tostring(L, -1));
  }
  if (field(L, idx, "sid") != LUA_TNIL) {
    t.has_sid = true;
    t.sid = sid_at(L, -1, "option 'sid'");
  }
  lua_pop(L, 1);
  return t;
}

static int l_node_connect(lua_State *L) {
  lua_settop(L, 2);
  sim_node *n = self_node(L);
  sim_token_opts t = token_opts(L, 2, "connect");
  return push_result(L, get_host(L), sim_node_connect(n, &t));
}

static int l_node_reconnect(lua_State *L) {
  lua_settop(L, 2);
  sim_node *n = self_node(L);
  sim_token_opts t = token_opts(L, 2, "reconnect");
  return push_result(L, get_host(L), sim_node_reconnect(n, &t));
}

static int l_node_close(lua_State *L) { return push_result(L, get_host(L), sim_node_close(self_node(L))); }

static int l_node_drop(lua_State *L) {
  return push_result(L, get_host(L), sim_node_drop_connection(self_node(L)));
}

static int l_node_crash(lua_State *L) { return push_result(L, get_host(L), sim_node_crash(self_node(L))); }

static int l_node_restart(lua_State *L) {
  return push_result(L, get_host(L), sim_node_restart(self_node(L)));
}

/* client:send(data) / daemon:send(client_or_sid, data) */
static int l_node_send(lua_State *L) {
  sim_node *n = self_node(L);
  size_t len = 0;
  const char *data;
  uint64_t sid = 0;
  if (n->kind == SIM_DAEMON) {
    sid = sid_at(L, 2, "daemon:send's session");
    data = luaL_checklstring(L, 3, &len);
  } else if (n->kind == SIM_CLIENT) {
    data = luaL_checklstring(L, 2, &len);
  } else {
    return luaL_error(L, "send is for clients and daemons; '%s' is a %s", n->name, kind_name(n->kind));
  }
  return push_result(L, get_host(L), sim_node_send(n, sid, (const uint8_t *)data, len));
}

static uint8_t reason_code(lua_State *L, int idx) {
  const char *name = luaL_optstring(L, idx, "none");
  for (int k = 0; k < 256; k++) {
    const char *rn = sb_sbrp_signal_reason_name((uint8_t)k);
    if (rn && !strcmp(rn, name)) return (uint8_t)k;
  }
  luaL_error(L, "unknown close reason '%s' (none, state_lost, shutdown, policy, error)", name);
  return 0;
}

static int l_node_end_session(lua_State *L) {
  sim_node *n = self_node(L);
  if (n->kind != SIM_DAEMON) return luaL_error(L, "end_session is for daemons; '%s' is a %s", n->name, kind_name(n->kind));
  uint64_t sid = sid_at(L, 2, "end_session's session");
  uint8_t reason = reason_code(L, 3);
  return push_result(L, get_host(L), sim_daemon_end_session(n, sid, reason));
}

static int l_node_send_raw(lua_State *L) {
  sim_node *n = self_node(L);
  size_t len = 0;
  const char *bytes = luaL_checklstring(L, 2, &len);
  return push_result(L, get_host(L), sim_node_send_raw(n, (const uint8_t *)bytes, len));
}

/* node:ping(payload_hex): an SBRP Ping on the node's connection (not through its machine). */
static int l_node_ping(lua_State *L) {
  sim_node *n = self_node(L);
  size_t plen = 0;
  const uint8_t *p = lua_isnoneornil(L, 2) ? (const uint8_t *)"" : hex_at(L, 2, "ping's payload", &plen);
  uint8_t frame[SB_SBRP_HEADER_BYTES + 64];
  if (plen > 64) return luaL_error(L, "ping: payload of %d bytes is too long even for a bad Ping", (int)plen);
  sb_sbrp_header_write(frame, SB_SBRP_PING, (uint32_t)plen, 0);
  memcpy(frame + SB_SBRP_HEADER_BYTES, p, plen);
  return push_result(L, get_host(L), sim_node_send_raw(n, frame, SB_SBRP_HEADER_BYTES + plen));
}

/* A sequence number at `idx`: an integer read as unsigned 64-bit (so the
 * literal 0xffffffffffffffff is 2^64-1) or 16 hex digits. */
static uint64_t seq_at(lua_State *L, int idx, const char *what) {
  if (lua_isinteger(L, idx)) return (uint64_t)lua_tointeger(L, idx);
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n = 0;
    const char *s = lua_tolstring(L, idx, &n);
    uint8_t b[8];
    size_t got = 0;
    if (n == 16 && sb_hex_decode(s, n, b, sizeof b, &got) == 0 && got == 8) return sb_load_u64be(b);
  }
  luaL_error(L, "%s must be a sequence number: an integer or 16 hex digits (got %s)", what,
             luaL_typename(L, idx));
  return 0;
}

/* Test hooks: client:set_send_seq(n) / daemon:set_send_seq(client_or_sid, n). */
static int l_node_set_send_seq(lua_State *L) {
  sim_node *n = self_node(L);
  uint64_t sid = 0;
  int at = 2;
  if (n->kind == SIM_DAEMON) sid = sid_at(L, at++, "daemon:set_send_seq's session");
  else if (n->kind != SIM_CLIENT)
    return luaL_error(L, "set_send_seq is for clients and daemons; '%s' is a %s", n->name, kind_name(n->kind));
  uint64_t next = seq_at(L, at, "set_send_seq's number");
  return push_result(L, get_host(L), sim_node_set_send_seq(n, sid, next));
}

/* client:forge_data{ seq =, direction =, data = } / daemon:forge_data(client_or_sid, {...}):
 * the bytes of a Data frame sealed with the session's send key (counter untouched). */
static int l_node_forge_data(lua_State *L) {
  sim_node *n = self_node(L);
  uint64_t sid = 0;
  int at = 2;
  if (n->kind == SIM_DAEMON) sid = sid_at(L, at++, "daemon:forge_data's session");
  else if (n->kind != SIM_CLIENT)
    return luaL_error(L, "forge_data is for clients and daemons; '%s' is a %s", n->name, kind_name(n->kind));
  luaL_checktype(L, at, LUA_TTABLE);
  static const char *const known[] = {"seq", "direction", "data", NULL};
  check_options(L, at, "forge_data", known);
  if (field(L, at, "seq") == LUA_TNIL) return luaL_error(L, "forge_data: 'seq' is required");
  uint64_t seq = seq_at(L, -1, "option 'seq' of forge_data");
  lua_pop(L, 1);
  lua_Integer dir = sim_lua_opt_int_or(L, at, "forge_data", "direction", n->kind == SIM_CLIENT ? 1 : 2, 0, 0xffffffff);
  size_t len = 0;
  const char *data = "";
  if (field(L, at, "data") != LUA_TNIL) data = luaL_checklstring(L, -1, &len);
  lua_pop(L, 1);
  if (len > SB_SBRP_MAX_FRAME - SB_SBRP_HEADER_BYTES - 28)
    return luaL_error(L, "forge_data: %d bytes of data do not fit in one Data frame", (int)len);
  host *h = get_host(L);
  uint8_t *frame = malloc(SB_SBRP_MAX_FRAME);
  if (!frame) return luaL_error(L, "out of memory");
  size_t flen = 0;
  int rc = sim_node_forge_data(n, sid, (uint32_t)dir, seq, (const uint8_t *)data, len, frame,
                               SB_SBRP_MAX_FRAME, &flen);
  if (rc == 0) lua_pushlstring(L, (const char *)frame, flen);
  free(frame);
  if (rc != 0) return push_result(L, h, rc);
  check_internal(L, h);
  return 1;
}

static int dir_arg(lua_State *L, int idx) {
  const char *d = luaL_optstring(L, idx, "both");
  if (!strcmp(d, "both")) return -1;
  if (!strcmp(d, "up") || !strcmp(d, "to_relay")) return SIM_UP;
  if (!strcmp(d, "down") || !strcmp(d, "from_relay")) return SIM_DOWN;
  luaL_error(L, "direction is \"both\", \"up\" (to the relay) or \"down\" (from the relay), not '%s'", d);
  return -1;
}

static int l_node_stall(lua_State *L) {
  sim_node *n = self_node(L);
  return push_result(L, get_host(L), sim_node_stall(n, dir_arg(L, 2), true));
}

static int l_node_unstall(lua_State *L) {
  sim_node *n = self_node(L);
  return push_result(L, get_host(L), sim_node_stall(n, dir_arg(L, 2), false));
}

static int l_node_slow(lua_State *L) {
  sim_node *n = self_node(L);
  sb_time_us d = duration_at(L, 2, "slow's extra latency");
  return push_result(L, get_host(L), sim_node_delay(n, dir_arg(L, 3), d));
}

static int l_node_lose_disk(lua_State *L) {
  sim_node *n = self_node(L);
  if (n->kind != SIM_DAEMON) return luaL_error(L, "lose_disk is for daemons");
  sim_daemon_lose_disk(n);
  return 0;
}

static int l_node_corrupt_disk(lua_State *L) {
  lua_settop(L, 2);
  sim_node *n = self_node(L);
  if (n->kind != SIM_DAEMON) return luaL_error(L, "corrupt_disk is for daemons");
  uint64_t sid = 0;
  int64_t offset = 0;
  uint8_t mask = 1;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const known[] = {"session", "offset", "mask", NULL};
    check_options(L, 2, "corrupt_disk", known);
    if (field(L, 2, "session") != LUA_TNIL) sid = sid_at(L, -1, "corrupt_disk's session");
    lua_pop(L, 1);
    offset = sim_lua_opt_int_or(L, 2, "corrupt_disk", "offset", 0, -65536, 65536);
    mask = (uint8_t)sim_lua_opt_int_or(L, 2, "corrupt_disk", "mask", 1, 1, 255);
  }
  lua_pushinteger(L, (lua_Integer)sim_daemon_corrupt_disk(n, sid, offset, mask));
  return 1;
}

/* State name of `n`, or of one of its sessions when `sid` is set. */
static const char *state_of(sim_node *n, bool has_sid, uint64_t sid) {
  if (!has_sid || n->down) return sim_node_state(n);
  if (n->kind == SIM_RELAY) {
    const char *s = sb_sbrp_relay_session_state_name(sb_sbrp_relay_session_state_of(n->u.relay.m, sid));
    return s ? s : "?";
  }
  if (n->kind == SIM_DAEMON) {
    const sb_sbrp_daemon_session *s = sb_sbrp_daemon_session_get(&n->u.daemon.m, sid);
    return s ? sb_sbrp_daemon_session_state_name(s->state) : "Idle (session)";
  }
  return sim_node_state(n);
}

/* relay:session_state(client_or_sid) / daemon:session_state(client_or_sid) */
static int l_node_session_state(lua_State *L) {
  sim_node *n = self_node(L);
  if (n->kind != SIM_RELAY && n->kind != SIM_DAEMON)
    return luaL_error(L, "session_state is for the relay and daemons");
  lua_pushstring(L, state_of(n, true, sid_at(L, 2, "session_state's session")));
  return 1;
}

static int l_node_daemon_online(lua_State *L) {
  sim_node *n = node_of_kind(L, 1, SIM_RELAY, "daemon_online");
  const char *did = lua_tostring(L, 2);
  if (luaL_testudata(L, 2, "sim.node")) did = node_of_kind(L, 2, SIM_DAEMON, "daemon_online")->u.daemon.id;
  if (!did) luaL_typeerror(L, 2, "daemon");
  lua_pushboolean(L, sb_sbrp_relay_daemon_online(n->u.relay.m, did));
  return 1;
}

static int l_node_index(lua_State *L) {
  sim_node *n = self_node(L);
  const char *k = luaL_checkstring(L, 2);
  if (!strcmp(k, "name")) {
    lua_pushstring(L, n->name);
  } else if (!strcmp(k, "kind")) {
    lua_pushstring(L, kind_name(n->kind));
  } else if (!strcmp(k, "state")) {
    lua_pushstring(L, sim_node_state(n));
  } else if (!strcmp(k, "down")) {
    lua_pushboolean(L, n->down);
  } else if (!strcmp(k, "session_id") && n->kind == SIM_CLIENT) {
    lua_pushinteger(L, (lua_Integer)sim_client_session_id(n));
  } else if (!strcmp(k, "id") && (n->kind == SIM_DAEMON || n->kind == SIM_CLIENT)) {
    lua_pushstring(L, n->kind == SIM_DAEMON ? n->u.daemon.id : n->u.client.daemon_id);
  } else if (!strcmp(k, "pin") && n->kind == SIM_CLIENT) {
    if (!n->u.client.has_pin) return 0;
    char hex[65];
    if (sb_hex_encode(n->u.client.pin, 32, hex, sizeof hex) != 0) return 0;
    lua_pushstring(L, hex);
  } else if (!strcmp(k, "token") && n->kind == SIM_CLIENT) {
    if (!n->u.client.token) return 0;
    lua_pushstring(L, n->u.client.token);
  } else if (!strcmp(k, "sessions") && n->kind == SIM_DAEMON) {
    lua_pushinteger(L, (lua_Integer)sb_sbrp_daemon_session_count(&n->u.daemon.m));
  } else if (!strcmp(k, "disk") && n->kind == SIM_DAEMON) {
    lua_pushinteger(L, (lua_Integer)n->u.daemon.ndisk);
  } else if (!strcmp(k, "link")) {
    if (!n->link) return 0;
    lua_pushinteger(L, n->link->id);
  } else if (n->kind == SIM_PEER && sim_lua_peer_index(L, n, k)) {
    /* a peer's own field or method (lua_peer.c) is on the stack */
  } else {
    luaL_getmetafield(L, 1, "methods");
    if (lua_getfield(L, -1, k) == LUA_TNIL)
      return luaL_error(L, "%s '%s' has no field or method '%s'", kind_name(n->kind), n->name, k);
  }
  return 1;
}

static int l_node_tostring(lua_State *L) {
  sim_node *n = self_node(L);
  lua_pushfstring(L, "%s '%s'", kind_name(n->kind), n->name);
  return 1;
}

/* ---- wires -------------------------------------------------------------------------------------- */

static lwire *self_wire(lua_State *L, sim_node **n) {
  lwire *u = luaL_checkudata(L, 1, "sim.wire");
  *n = need_world(L, get_host(L))->nodes[u->node];
  return u;
}

/* The frame filter of a rule table: type, sid, skip, count. */
static void rule_opts(lua_State *L, int idx, const char *fname, const char *const *known, sim_wire_rule *r) {
  r->match.type = -1;
  r->count = 1;
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  check_options(L, idx, fname, known);
  if (field(L, idx, "type") != LUA_TNIL) r->match.type = type_code(L, -1, fname);
  lua_pop(L, 1);
  if (field(L, idx, "sid") != LUA_TNIL) {
    r->match.has_sid = true;
    r->match.sid = sid_at(L, -1, "option 'sid'");
  }
  lua_pop(L, 1);
  r->skip = (uint32_t)sim_lua_opt_int_or(L, idx, fname, "skip", 0, 0, UINT32_MAX);
  if (field(L, idx, "count") != LUA_TNIL && lua_type(L, -1) == LUA_TSTRING && !strcmp(lua_tostring(L, -1), "all")) {
    r->count = 0;
    lua_pop(L, 1);
  } else {
    lua_pop(L, 1);
    r->count = (uint32_t)sim_lua_opt_int_or(L, idx, fname, "count", 1, 1, UINT32_MAX);
  }
}

static int add_rule(lua_State *L, sim_wire_action a, const char *fname, const char *const *known) {
  sim_node *n;
  lwire *u = self_wire(L, &n);
  sim_wire_rule r = {.action = a};
  int idx = 2;
  if (a == SIM_WIRE_DELAY) {
    r.delay = duration_at(L, 2, "delay's argument");
    idx = 3;
  }
  rule_opts(L, idx, fname, known, &r);
  if (a == SIM_WIRE_CORRUPT && !lua_isnoneornil(L, idx)) {
    r.offset = sim_lua_opt_int_or(L, idx, fname, "offset", 0, -65549, 65549);
    r.mask = (uint8_t)sim_lua_opt_int_or(L, idx, fname, "mask", 1, 1, 255);
  }
  if (a == SIM_WIRE_DUPLICATE && !lua_isnoneornil(L, idx))
    r.copies = (uint32_t)sim_lua_opt_int_or(L, idx, fname, "copies", 1, 1, 1000);
  sim_wire_add(n, u->dir, &r);
  lua_settop(L, 1);
  return 1; /* the wire, for chaining */
}

static const char *const filter_keys[] = {"type", "sid", "skip", "count", NULL};

static int l_wire_duplicate(lua_State *L) {
  static const char *const k[] = {"type", "sid", "skip", "count", "copies", NULL};
  return add_rule(L, SIM_WIRE_DUPLICATE, "wire:duplicate", k);
}
static int l_wire_drop(lua_State *L) { return add_rule(L, SIM_WIRE_DROP, "wire:drop", filter_keys); }
static int l_wire_corrupt(lua_State *L) {
  static const char *const k[] = {"type", "sid", "skip", "count", "offset", "mask", NULL};
  return add_rule(L, SIM_WIRE_CORRUPT, "wire:corrupt", k);
}
static int l_wire_delay(lua_State *L) { return add_rule(L, SIM_WIRE_DELAY, "wire:delay", filter_keys); }
static int l_wire_reorder(lua_State *L) { return add_rule(L, SIM_WIRE_REORDER, "wire:reorder", filter_keys); }

static int l_wire_inject(lua_State *L) {
  sim_node *n;
  lwire *u = self_wire(L, &n);
  size_t len = 0;
  const char *bytes = luaL_checklstring(L, 2, &len);
  return push_result(L, get_host(L), sim_wire_inject(n, u->dir, (const uint8_t *)bytes, len));
}

static int l_wire_replay(lua_State *L) {
  lua_settop(L, 2);
  sim_node *n;
  lwire *u = self_wire(L, &n);
  sim_wire_match m = {.type = -1};
  int64_t nth = -1;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const known[] = {"type", "sid", "nth", NULL};
    check_options(L, 2, "wire:replay", known);
    if (field(L, 2, "type") != LUA_TNIL) m.type = type_code(L, -1, "wire:replay");
    lua_pop(L, 1);
    if (field(L, 2, "sid") != LUA_TNIL) {
      m.has_sid = true;
      m.sid = sid_at(L, -1, "option 'sid'");
    }
    lua_pop(L, 1);
    nth = sim_lua_opt_int_or(L, 2, "wire:replay", "nth", -1, -1000000, 1000000);
    if (nth == 0) luaL_error(L, "wire:replay: nth counts from 1 (or from -1, the latest)");
  }
  int rc = sim_wire_replay(n, u->dir, &m, nth);
  if (rc == SB_ERR_RANGE) luaL_error(L, "wire:replay: %s", n->w->err);
  return push_result(L, get_host(L), rc);
}

/* wire:seen{type=, nth=}: the bytes of a frame seen on this wire (nil if none). */
static int l_wire_seen(lua_State *L) {
  lua_settop(L, 2);
  sim_node *n;
  lwire *u = self_wire(L, &n);
  int type = -1;
  int64_t nth = -1;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const known[] = {"type", "nth", NULL};
    check_options(L, 2, "wire:seen", known);
    if (field(L, 2, "type") != LUA_TNIL) type = type_code(L, -1, "wire:seen");
    lua_pop(L, 1);
    nth = sim_lua_opt_int_or(L, 2, "wire:seen", "nth", -1, -1000000, 1000000);
  }
  sim_wire_match m = {.type = type};
  const uint8_t *bytes = NULL;
  size_t len = 0;
  int rc = sim_wire_find(n, u->dir, &m, nth, &bytes, &len);
  if (rc == SB_ERR_RANGE) luaL_error(L, "wire:seen: %s", n->w->err);
  if (rc != 0) return 0;
  lua_pushlstring(L, (const char *)bytes, len);
  return 1;
}

static int l_wire_clear(lua_State *L) {
  sim_node *n;
  lwire *u = self_wire(L, &n);
  sim_wire_clear(n, u->dir);
  lua_settop(L, 1);
  return 1; /* the wire, for chaining */
}

static int l_wire_stall(lua_State *L) {
  sim_node *n;
  lwire *u = self_wire(L, &n);
  return push_result(L, get_host(L), sim_node_stall(n, u->dir, true));
}

static int l_wire_unstall(lua_State *L) {
  sim_node *n;
  lwire *u = self_wire(L, &n);
  return push_result(L, get_host(L), sim_node_stall(n, u->dir, false));
}

/* ---- expectations ----------------------------------------------------------------------------- */

typedef struct match {
  int cursor; /* SIM_CUR_* */
  int node;
  /* frames */
  int type;
  bool has_sid;
  uint64_t sid;
  const char *control, *signal, *reason, *malformed;
  bool has_seq, has_len;
  uint64_t seq;
  size_t len;
  const uint8_t *payload, *bytes;
  size_t payload_len, bytes_len;
  bool has_payload, has_bytes;
  /* transitions */
  const char *from, *to, *row, *machine, *event;
  /* notes, links */
  const char *what, *err, *text;
  bool has_code;
  int code;
  /* deliveries */
  const uint8_t *data;
  size_t data_len;
  bool has_data;
} match;

static int cursor_of(const sim_rec *r) {
  switch (r->kind) {
    case SIM_REC_FRAME:
      return r->sent ? SIM_CUR_SENT : SIM_CUR_RECV;
    case SIM_REC_TRANSITION:
      return SIM_CUR_TRANSITION;
    case SIM_REC_NOTE:
      return SIM_CUR_NOTE;
    case SIM_REC_DELIVER:
      return SIM_CUR_DELIVER;
    case SIM_REC_LINK:
      return SIM_CUR_LINK;
    case SIM_REC_API:
      return SIM_CUR_API;
    case SIM_REC_SBP:
      return r->sent ? SIM_CUR_SBP_SENT : SIM_CUR_SBP_RECV;
    case SIM_REC_PEER:
      return SIM_CUR_PEER;
    default:
      return SIM_CUR_OTHER;
  }
}

static bool str_eq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static bool rec_matches(const sim_rec *r, const match *m) {
  if (r->node != m->node || cursor_of(r) != m->cursor) return false;
  switch (r->kind) {
    case SIM_REC_FRAME: {
      sim_frame_info fi;
      sim_frame_describe(r->bytes, r->len, &fi);
      if (m->type >= 0 && fi.type != m->type) return false;
      if (m->has_sid && (!fi.header_ok || fi.sid != m->sid)) return false;
      if (m->control && !(fi.has_control && str_eq(fi.control_name, m->control))) return false;
      if (m->signal && !(fi.has_signal && str_eq(sb_sbrp_signal_code_name(fi.signal_code), m->signal)))
        return false;
      if (m->reason && !(fi.has_signal && str_eq(sb_sbrp_signal_reason_name(fi.signal_reason), m->reason)))
        return false;
      if (m->has_seq && !(fi.has_seq && fi.seq == m->seq)) return false;
      if (m->has_len && fi.payload_len != m->len) return false;
      if (m->malformed && !(fi.err && (!strcmp(m->malformed, "*") || str_eq(sb_err_name(fi.err), m->malformed))))
        return false;
      if (m->has_payload &&
          !(fi.header_ok && fi.payload_len == m->payload_len && !memcmp(fi.payload, m->payload, m->payload_len)))
        return false;
      if (m->has_bytes && !(r->len == m->bytes_len && !memcmp(r->bytes, m->bytes, r->len))) return false;
      return true;
    }
    case SIM_REC_TRANSITION:
      if (m->from && !str_eq(r->from, m->from)) return false;
      if (m->to && !str_eq(r->to, m->to)) return false;
      if (m->row && !str_eq(r->row, m->row)) return false;
      if (m->machine && !str_eq(r->machine, m->machine)) return false;
      if (m->event && !(r->event && strstr(r->event, m->event))) return false;
      if (m->has_sid && !(r->has_sid && r->sid == m->sid)) return false;
      return true;
    case SIM_REC_NOTE:
      if (m->what && !str_eq(r->what, m->what)) return false;
      if (m->err && !(r->code && str_eq(sb_err_name(r->code), m->err))) return false;
      if (m->text && !(r->text && strstr(r->text, m->text))) return false;
      if (m->machine && !str_eq(r->machine, m->machine)) return false;
      if (m->has_sid && !(r->has_sid && r->sid == m->sid)) return false;
      return true;
    case SIM_REC_DELIVER:
      if (m->has_sid && r->sid != m->sid) return false;
      if (m->has_data && !(r->len == m->data_len && !memcmp(r->bytes, m->data, r->len))) return false;
      return true;
    case SIM_REC_LINK:
      if (m->what && !str_eq(r->what, m->what)) return false;
      if (m->has_code && r->code != m->code) return false;
      return true;
    case SIM_REC_KEYS:
      return !m->has_sid || (r->has_sid && r->sid == m->sid);
    default:
      return false;
  }
}

typedef struct seek {
  const match *m;
  size_t scan; /* next record to look at */
  size_t at;   /* the match */
} seek;

/* A scan from `*scan` on node `node`'s records starts at the first record in
 * memory; a broken script if one of that node's was released on the way. */
static void scan_from(lua_State *L, host *h, int node, size_t *scan) {
  if (*scan >= sim_trace_first(&h->w->trace)) return;
  sim_lua_check_reach(L, h->w->nodes[node], *scan);
  *scan = sim_trace_first(&h->w->trace);
}

void sim_lua_check_reach(lua_State *L, const sim_node *n, size_t from) {
  const sim_trace *tr = &n->w->trace;
  if (!sim_trace_lost(tr, n->index, from)) return;
  char msg[400];
  snprintf(msg, sizeof msg,
           "records of '%s' after this expectation's cursor are no longer in memory: a run keeps "
           "only its last %zu trace records, so an expectation must look from a cursor within "
           "them (scenarios/README.md, \"Long runs\")",
           n->name, tr->keep);
  luaL_error(L, "%s", msg);
}

static bool seek_pred(lua_State *L, host *h, void *ctx) {
  seek *s = ctx;
  scan_from(L, h, s->m->node, &s->scan);
  for (; s->scan < h->w->trace.n; s->scan++) {
    if (rec_matches(sim_trace_rec(&h->w->trace, s->scan), s->m)) {
      s->at = s->scan;
      return true;
    }
  }
  return false;
}

/* Where an expectation started, for the trace excerpt of its failure: the
 * records of its node after its cursor then, and all of that node's then
 * (records may be released while it waits; these counts stay exact). */
typedef struct excerpt_mark {
  int node;
  size_t after;
  uint64_t total;
} excerpt_mark;

static excerpt_mark mark_cursor(lua_State *L, host *h, int node, size_t from) {
  sim_lua_check_reach(L, h->w->nodes[node], from);
  excerpt_mark m = {node, sim_trace_count_from(&h->w->trace, node, from),
                    sim_trace_node_total(&h->w->trace, node)};
  return m;
}

/* The trace lines of the node of `mk` after its cursor (the latest `max`),
 * or the last `max` before it when there is none after. */
static void trace_excerpt(host *h, const excerpt_mark *mk, size_t max, sim_buf *out) {
  const sim_trace *tr = &h->w->trace;
  int node = mk->node;
  size_t n = mk->after + (size_t)(sim_trace_node_total(tr, node) - mk->total);
  if (n) {
    sim_buf_printf(out, "  the trace of '%s' after the expectation's cursor (%zu record%s%s):\n",
                   sim_trace_name(tr, node), n, n == 1 ? "" : "s", n > max ? ", the last shown" : "");
  } else {
    sim_buf_printf(out, "  no record of '%s' after the expectation's cursor; the last before it:\n",
                   sim_trace_name(tr, node));
  }
  /* Those after the cursor are the node's latest; with none after, so are the last before it. */
  const sim_rec **last = sim_xmalloc((max ? max : 1) * sizeof *last);
  size_t got = sim_trace_node_last(tr, node, n && n < max ? n : max, last);
  sim_buf line = {0};
  for (size_t k = 0; k < got; k++) {
    sim_buf_reset(&line);
    sim_trace_format_rec(tr, last[k], &line);
    if (line.len > 240) {
      line.len = 237;
      line.s[237] = '\0';
      sim_buf_add(&line, "...", 3);
    }
    sim_buf_printf(out, "    %s\n", line.s);
  }
  sim_buf_free(&line);
  free(last);
}

static void trace_expect(host *h, bool pass, const char *what, const char *at) {
  sim_rec r = {.kind = SIM_REC_EXPECT, .node = -1, .peer = -1, .pass = pass, .what = (char *)what,
               .text = (char *)at};
  sim_world_trace(h->w, &r);
}

static void replay_hint(host *h, sim_buf *out) {
  sim_buf_printf(out, "  replay: sbconf run --seed %llu --trace trace.jsonl %s\n",
                 (unsigned long long)h->res->seed, h->path);
}

/* Record the failure (message with file:line, trace, seed) and stop the scenario. */
static void fail_expect(lua_State *L, host *h, const char *what, sim_buf *detail) {
  char at[300];
  where(L, at, sizeof at);
  luaL_where(L, 1);
  const char *pos = lua_tostring(L, -1);
  char t[32];
  sim_duration_format(h->w ? h->w->now : 0, t, sizeof t);
  sim_buf msg = {0};
  sim_buf_printf(&msg, "%sexpectation failed at t=%s: %s\n", pos && *pos ? pos : "? ", t, what);
  if (detail && detail->s) sim_buf_add(&msg, detail->s, detail->len);
  replay_hint(h, &msg);
  if (h->w) trace_expect(h, false, what, at);
  set_message(h, msg.s);
  sim_buf_free(&msg);
  if (detail) sim_buf_free(detail); /* expect.truthy has no detail */
  stop(L, &STOP_FAIL);
}

static void pass_expect(lua_State *L, host *h, const char *what) {
  char at[300];
  where(L, at, sizeof at);
  trace_expect(h, true, what, at);
  h->res->expectations++;
  if (h->o->verbose) {
    char t[32];
    sim_duration_format(h->w->now, t, sizeof t);
    fprintf(h->log, "    ok %s t=%s %s\n", at, t, what);
  }
}

/* Options every waiting expectation takes: timeout (and during for the negative ones). */
static sb_time_us timeout_opt(lua_State *L, host *h, int idx, const char *fname, const char *key) {
  if (lua_isnoneornil(L, idx) || !lua_istable(L, idx)) return h->expect_timeout;
  return sim_lua_opt_dur_or(L, idx, fname, key, h->expect_timeout);
}

/* Push the matched record as a table (t, node, and the kind's fields). */
static void push_record(lua_State *L, host *h, size_t i) {
  const sim_rec *r = sim_trace_rec(&h->w->trace, i);
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, r->t);
  lua_setfield(L, -2, "t");
  lua_pushstring(L, sim_rec_kind_name(r->kind));
  lua_setfield(L, -2, "ev");
  if (r->kind == SIM_REC_FRAME) {
    sim_frame_info fi;
    sim_frame_describe(r->bytes, r->len, &fi);
    lua_pushlstring(L, (const char *)r->bytes, r->len);
    lua_setfield(L, -2, "bytes");
    if (fi.type_name) {
      lua_pushstring(L, fi.type_name);
      lua_setfield(L, -2, "type");
    }
    if (fi.header_ok) {
      lua_pushinteger(L, (lua_Integer)fi.sid);
      lua_setfield(L, -2, "sid");
      lua_pushlstring(L, (const char *)fi.payload, fi.payload_len);
      lua_setfield(L, -2, "payload");
    }
    if (fi.has_seq) {
      lua_pushinteger(L, (lua_Integer)fi.seq);
      lua_setfield(L, -2, "seq");
    }
    if (fi.has_control && fi.control_name) {
      lua_pushstring(L, fi.control_name);
      lua_setfield(L, -2, "control");
    }
    lua_pushinteger(L, r->conn);
    lua_setfield(L, -2, "conn");
  } else if (r->kind == SIM_REC_DELIVER) {
    lua_pushlstring(L, (const char *)r->bytes, r->len);
    lua_setfield(L, -2, "data");
    lua_pushinteger(L, (lua_Integer)r->sid);
    lua_setfield(L, -2, "sid");
  } else {
    const char *k[] = {"machine", "from", "to", "event", "row", "what", "text"};
    char *v[] = {r->machine, r->from, r->to, r->event, r->row, r->what, r->text};
    for (size_t j = 0; j < sizeof k / sizeof k[0]; j++) {
      if (!v[j]) continue;
      lua_pushstring(L, v[j]);
      lua_setfield(L, -2, k[j]);
    }
    if (r->code) {
      lua_pushinteger(L, r->code);
      lua_setfield(L, -2, "code");
      if (r->kind == SIM_REC_NOTE) {
        lua_pushstring(L, sb_err_name(r->code));
        lua_setfield(L, -2, "err");
      }
    }
    if (r->has_sid) {
      lua_pushinteger(L, (lua_Integer)r->sid);
      lua_setfield(L, -2, "sid");
    }
  }
}

/* Wait for the first record matching `m` after the node's cursor; pass (cursor moves past
 * it, the record is returned) or fail. */
static int expect_record(lua_State *L, host *h, const match *m, sb_time_us timeout, const char *what) {
  sim_node *n = h->w->nodes[m->node];
  seek s = {m, n->cursor[m->cursor], 0};
  excerpt_mark mk = mark_cursor(L, h, m->node, s.scan);
  sb_time_us start = h->w->now;
  if (run_until(L, h, seek_pred, &s, start + timeout)) {
    n->cursor[m->cursor] = s.at + 1;
    pass_expect(L, h, what);
    push_record(L, h, s.at);
    return 1;
  }
  char d[32];
  sim_duration_format(timeout, d, sizeof d);
  sim_buf detail = {0};
  sim_buf_printf(&detail, "  no matching record within %s of virtual time\n", d);
  trace_excerpt(h, &mk, 15, &detail);
  fail_expect(L, h, what, &detail);
  return 0;
}

/* The negative form: nothing matching during `during`; the cursor stays. */
static int expect_none(lua_State *L, host *h, const match *m, sb_time_us during, const char *what) {
  sim_node *n = h->w->nodes[m->node];
  seek s = {m, n->cursor[m->cursor], 0};
  if (!run_until(L, h, seek_pred, &s, h->w->now + during)) {
    pass_expect(L, h, what);
    return 0;
  }
  sim_buf detail = {0}, line = {0};
  sim_trace_format(&h->w->trace, s.at, &line);
  sim_buf_printf(&detail, "  but the trace has:\n    %s\n", line.s);
  sim_buf_free(&line);
  fail_expect(L, h, what, &detail);
  return 0;
}

/* Push a description of the value at `idx` that never shows an address
 * (tables, functions and bare userdata would print as "table: 0x..."), so
 * traces stay the same from run to run. */
static const char *stable_tostring(lua_State *L, int idx) {
  int t = lua_type(L, idx);
  bool named = t == LUA_TUSERDATA && luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL;
  if (named) lua_pop(L, 1);
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "{...}");
    return lua_tostring(L, -1);
  }
  if (t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TLIGHTUSERDATA || (t == LUA_TUSERDATA && !named))
    return lua_pushfstring(L, "<%s>", luaL_typename(L, idx));
  return luaL_tolstring(L, idx, NULL);
}

static void describe_call(lua_State *L, const char *fname, int nargs, sim_buf *out) {
  sim_buf_printf(out, "expect.%s(", fname);
  while (nargs > 0 && lua_isnoneornil(L, nargs)) nargs--;
  for (int i = 1; i <= nargs; i++) {
    if (i > 1) sim_buf_add(out, ", ", 2);
    if (luaL_testudata(L, i, "sim.node")) {
      sim_buf_printf(out, "%s", node_at(L, i)->name);
    } else if (lua_type(L, i) == LUA_TSTRING) {
      size_t n = 0;
      const char *s = lua_tolstring(L, i, &n);
      bool printable = true;
      for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] >= 0x7f) printable = false;
      if (printable && n <= 80)
        sim_buf_printf(out, "\"%s\"", s);
      else
        sim_buf_printf(out, "<%zu bytes>", n);
    } else if (lua_istable(L, i)) {
      /* {k=v,...} in sorted key order, so the description is stable */
      const char *keys[32];
      size_t nk = 0;
      lua_pushnil(L);
      while (lua_next(L, i)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING && nk < 32) keys[nk++] = lua_tostring(L, -1);
      }
      qsort(keys, nk, sizeof keys[0], cmp_cstr);
      lua_Integer len = (lua_Integer)lua_rawlen(L, i);
      sim_buf_add(out, "{", 1);
      for (lua_Integer k = 1; k <= len; k++) {
        lua_rawgeti(L, i, k);
        sim_buf_printf(out, "%s\"%s\"", k > 1 ? ", " : "", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
        lua_pop(L, 1);
      }
      for (size_t k = 0; k < nk; k++) {
        lua_getfield(L, i, keys[k]);
        if (luaL_testudata(L, -1, "sim.node")) {
          sim_buf_printf(out, "%s%s=%s", (k || len) ? ", " : "", keys[k], node_at(L, -1)->name);
          lua_pop(L, 1);
          continue;
        }
        const char *v = stable_tostring(L, lua_gettop(L));
        sim_buf_printf(out, "%s%s=%s", (k || len) ? ", " : "", keys[k], v);
        lua_pop(L, 2);
      }
      sim_buf_add(out, "}", 1);
    } else {
      sim_buf_printf(out, "%s", stable_tostring(L, i));
      lua_pop(L, 1);
    }
  }
  sim_buf_add(out, ")", 1);
}

/* The description of the current expect.* call, as a string on the Lua
 * stack (so a failure's longjmp leaks nothing). */
static const char *describe(lua_State *L, const char *fname, int nargs) {
  sim_buf b = {0};
  describe_call(L, fname, nargs, &b);
  lua_pushlstring(L, b.s, b.len);
  sim_buf_free(&b);
  return lua_tostring(L, -1);
}

static int dir_cursor(lua_State *L, int idx) {
  const char *d = luaL_checkstring(L, idx);
  if (!strcmp(d, "sent") || !strcmp(d, "send")) return SIM_CUR_SENT;
  if (!strcmp(d, "received") || !strcmp(d, "recv")) return SIM_CUR_RECV;
  luaL_error(L, "a frame direction is \"sent\" or \"received\", not '%s'", d);
  return 0;
}

/* Read the options of table `idx` into `m`; `known` lists the keys this
 * expectation takes (others are refused by name). One parser for every
 * expect.*, so an option means the same thing everywhere. */
static void match_options(lua_State *L, int idx, const char *fname, const char *const *known, match *m) {
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  check_options(L, idx, fname, known);
  if (field(L, idx, "type") != LUA_TNIL) m->type = type_code(L, -1, fname);
  lua_pop(L, 1);
  static const char *const sid_keys[] = {"sid", "session"};
  for (size_t k = 0; k < 2; k++) {
    if (field(L, idx, sid_keys[k]) != LUA_TNIL) {
      char what[32];
      snprintf(what, sizeof what, "option '%s'", sid_keys[k]);
      m->has_sid = true;
      m->sid = sid_at(L, -1, what);
    }
    lua_pop(L, 1);
  }
  const char *ctrl = sim_lua_opt_str(L, idx, fname, "control", NULL);
  if (ctrl) m->control = ctrl;
  if (m->control && !sb_sbrp_control_by_name(m->control))
    luaL_error(L, "%s: unknown control code '%s'", fname, m->control);
  m->signal = sim_lua_opt_str(L, idx, fname, "signal", NULL);
  m->reason = sim_lua_opt_str(L, idx, fname, "reason", NULL);
  m->machine = sim_lua_opt_str(L, idx, fname, "machine", NULL);
  m->event = sim_lua_opt_str(L, idx, fname, "event", NULL);
  m->err = sim_lua_opt_str(L, idx, fname, "err", NULL);
  m->text = sim_lua_opt_str(L, idx, fname, "text", NULL);
  if (field(L, idx, "seq") != LUA_TNIL) {
    m->has_seq = true;
    m->seq = seq_at(L, -1, "option 'seq'");
  }
  lua_pop(L, 1);
  if (field(L, idx, "len") != LUA_TNIL) {
    m->has_len = true;
    m->len = (size_t)luaL_checkinteger(L, -1);
  }
  lua_pop(L, 1);
  if (field(L, idx, "code") != LUA_TNIL) {
    m->has_code = true;
    m->code = (int)luaL_checkinteger(L, -1);
  }
  lua_pop(L, 1);
  if (field(L, idx, "payload") != LUA_TNIL) {
    m->has_payload = true;
    m->payload = hex_at(L, -1, "option 'payload'", &m->payload_len);
  }
  lua_pop(L, 1);
  if (field(L, idx, "bytes") != LUA_TNIL) {
    m->has_bytes = true;
    m->bytes = hex_at(L, -1, "option 'bytes'", &m->bytes_len);
  }
  lua_pop(L, 1);
  if (field(L, idx, "malformed") != LUA_TNIL) m->malformed = lua_isboolean(L, -1) ? "*" : luaL_checkstring(L, -1);
  lua_pop(L, 1);
}

/* The start of every expect.*(node, ...): arguments padded to `nargs`, a
 * world, a match on the node of argument 1 reading records of `cursor`. */
static host *expect_begin(lua_State *L, int nargs, int cursor, match *m) {
  lua_settop(L, nargs);
  host *h = get_host(L);
  need_world(L, h);
  memset(m, 0, sizeof *m);
  m->type = -1;
  m->node = node_at(L, 1)->index;
  m->cursor = cursor;
  return h;
}

static const char *const frame_keys[] = {"type", "sid", "control", "signal", "reason", "seq", "len",
                                         "payload", "bytes", "malformed", "timeout", "during", NULL};

/* Where a frame expectation's timeout/during is: a 4th table, else the match table. */
static int frame_opts_index(lua_State *L, const char *fname) {
  if (lua_isnil(L, 4)) return 3;
  luaL_checktype(L, 4, LUA_TTABLE);
  static const char *const known[] = {"timeout", "during", NULL};
  check_options(L, 4, fname, known);
  return 4;
}

/* expect.frame(node, "sent"|"received", match, opts) */
static int l_expect_frame(lua_State *L) {
  match m;
  host *h = expect_begin(L, 4, SIM_CUR_SENT, &m);
  m.cursor = dir_cursor(L, 2);
  match_options(L, 3, "expect.frame", frame_keys, &m);
  const char *what = describe(L, "frame", 4);
  return expect_record(L, h, &m, timeout_opt(L, h, frame_opts_index(L, "expect.frame"), "expect.frame", "timeout"),
                       what);
}

static int l_expect_no_frame(lua_State *L) {
  match m;
  host *h = expect_begin(L, 4, SIM_CUR_SENT, &m);
  m.cursor = dir_cursor(L, 2);
  match_options(L, 3, "expect.no_frame", frame_keys, &m);
  const char *what = describe(L, "no_frame", 4);
  return expect_none(L, h, &m, timeout_opt(L, h, frame_opts_index(L, "expect.no_frame"), "expect.no_frame", "during"),
                     what);
}

/* expect.control(node, name, {sid=, timeout=}): a Control frame the node received. */
static int l_expect_control(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_RECV, &m);
  m.type = SB_SBRP_CONTROL;
  m.control = luaL_checkstring(L, 2);
  static const char *const known[] = {"sid", "timeout", NULL};
  match_options(L, 3, "expect.control", known, &m);
  const char *what = describe(L, "control", 3);
  return expect_record(L, h, &m, timeout_opt(L, h, 3, "expect.control", "timeout"), what);
}

/* A transition spec: "From>To", a row ID, or "From>To@ROW". */
static void transition_spec(lua_State *L, const char *spec, match *m, char *buf, size_t cap) {
  snprintf(buf, cap, "%s", spec);
  char *at = strchr(buf, '@');
  if (at) {
    *at = '\0';
    m->row = at + 1;
  }
  char *gt = strchr(buf, '>');
  if (gt) {
    *gt = '\0';
    m->from = *buf ? buf : NULL;
    m->to = *(gt + 1) ? gt + 1 : NULL;
  } else if (!strncmp(buf, "SBRP-SM-", 8) || !strncmp(buf, "PEER-SM-", 8)) {
    m->row = buf;
  } else {
    luaL_error(L, "a transition is \"From>To\", a row ID (\"SBRP-SM-C-004\") or \"From>To@ROW\", not '%s'", spec);
  }
}

static const char *const transition_keys[] = {"machine", "session", "event", "timeout", NULL};

static int l_expect_transition(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_TRANSITION, &m);
  char buf[256];
  transition_spec(L, luaL_checkstring(L, 2), &m, buf, sizeof buf);
  match_options(L, 3, "expect.transition", transition_keys, &m);
  const char *what = describe(L, "transition", 3);
  return expect_record(L, h, &m, timeout_opt(L, h, 3, "expect.transition", "timeout"), what);
}

/* expect.transitions(node, {"A>B", "B>C", ...}, opts): in this order (others may come between). */
static int l_expect_transitions(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_TRANSITION, &m);
  sim_node *n = h->w->nodes[m.node];
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer count = (lua_Integer)lua_rawlen(L, 2);
  if (count == 0) luaL_error(L, "expect.transitions: the list is empty");
  match_options(L, 3, "expect.transitions", transition_keys, &m);
  const char *what = describe(L, "transitions", 3);
  sb_time_us deadline = h->w->now + timeout_opt(L, h, 3, "expect.transitions", "timeout");
  excerpt_mark mk = mark_cursor(L, h, n->index, n->cursor[SIM_CUR_TRANSITION]);
  for (lua_Integer i = 1; i <= count; i++) {
    char buf[256];
    if (lua_rawgeti(L, 2, i) != LUA_TSTRING)
      luaL_error(L, "expect.transitions: entry %d must be a string like \"Active>Paused\"", (int)i);
    m.from = m.to = m.row = NULL;
    transition_spec(L, lua_tostring(L, -1), &m, buf, sizeof buf);
    seek s = {&m, n->cursor[SIM_CUR_TRANSITION], 0};
    if (!run_until(L, h, seek_pred, &s, deadline)) {
      sim_buf detail = {0};
      sim_buf_printf(&detail, "  entry %d (\"%s\") did not follow%s\n", (int)i, lua_tostring(L, -1),
                     i > 1 ? " the ones before it" : "");
      trace_excerpt(h, &mk, 15, &detail);
      fail_expect(L, h, what, &detail);
    }
    n->cursor[SIM_CUR_TRANSITION] = s.at + 1;
    lua_pop(L, 1);
  }
  pass_expect(L, h, what);
  return 0;
}

static const char *const note_keys[] = {"err", "text", "machine", "session", "timeout", "during", NULL};

static int l_expect_note(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_NOTE, &m);
  m.what = luaL_checkstring(L, 2);
  match_options(L, 3, "expect.note", note_keys, &m);
  const char *what = describe(L, "note", 3);
  return expect_record(L, h, &m, timeout_opt(L, h, 3, "expect.note", "timeout"), what);
}

static int l_expect_no_note(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_NOTE, &m);
  m.what = luaL_checkstring(L, 2);
  match_options(L, 3, "expect.no_note", note_keys, &m);
  const char *what = describe(L, "no_note", 3);
  return expect_none(L, h, &m, timeout_opt(L, h, 3, "expect.no_note", "during"), what);
}

static const char *const delivery_keys[] = {"session", "timeout", "during", NULL};

/* expect.delivered(node, data, {session=}): the node's application got these bytes. */
static int l_expect_delivered(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_DELIVER, &m);
  if (!lua_isnil(L, 2)) {
    m.has_data = true;
    m.data = (const uint8_t *)luaL_checklstring(L, 2, &m.data_len);
  }
  match_options(L, 3, "expect.delivered", delivery_keys, &m);
  const char *what = describe(L, "delivered", 3);
  return expect_record(L, h, &m, timeout_opt(L, h, 3, "expect.delivered", "timeout"), what);
}

static int l_expect_no_delivery(lua_State *L) {
  match m;
  host *h = expect_begin(L, 2, SIM_CUR_DELIVER, &m);
  match_options(L, 2, "expect.no_delivery", delivery_keys, &m);
  const char *what = describe(L, "no_delivery", 2);
  return expect_none(L, h, &m, timeout_opt(L, h, 2, "expect.no_delivery", "during"), what);
}

/* expect.keys(node, {session=}): the node derived traffic keys (a `keys` record, one per
 * handshake; the key log gets its line then). The only record kind on the OTHER cursor an
 * expectation reads, so it has that cursor to itself. */
static const char *const keys_keys[] = {"session", "timeout", "during", NULL};

static int l_expect_keys(lua_State *L) {
  match m;
  host *h = expect_begin(L, 2, SIM_CUR_OTHER, &m);
  match_options(L, 2, "expect.keys", keys_keys, &m);
  const char *what = describe(L, "keys", 2);
  return expect_record(L, h, &m, timeout_opt(L, h, 2, "expect.keys", "timeout"), what);
}

static int l_expect_no_keys(lua_State *L) {
  match m;
  host *h = expect_begin(L, 2, SIM_CUR_OTHER, &m);
  match_options(L, 2, "expect.no_keys", keys_keys, &m);
  const char *what = describe(L, "no_keys", 2);
  return expect_none(L, h, &m, timeout_opt(L, h, 2, "expect.no_keys", "during"), what);
}

/* expect.link(node, what, {code=}): connect, upgrade, open, refused, close, closed. */
static int l_expect_link(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_LINK, &m);
  m.what = luaL_checkstring(L, 2);
  static const char *const whats[] = {"connect", "upgrade", "open", "refused", "close", "closed", NULL};
  bool ok = false;
  for (const char *const *p = whats; *p; p++) ok = ok || !strcmp(*p, m.what);
  if (!ok) luaL_error(L, "expect.link: '%s' is not a link event (connect, upgrade, open, refused, close, closed)", m.what);
  static const char *const known[] = {"code", "timeout", NULL};
  match_options(L, 3, "expect.link", known, &m);
  const char *what = describe(L, "link", 3);
  return expect_record(L, h, &m, timeout_opt(L, h, 3, "expect.link", "timeout"), what);
}

typedef struct state_wait {
  sim_node *n;
  bool has_sid;
  uint64_t sid;
  const char *want;
} state_wait;

static bool state_pred(lua_State *L, host *h, void *ctx) {
  (void)L;
  (void)h;
  state_wait *s = ctx;
  return !strcmp(state_of(s->n, s->has_sid, s->sid), s->want);
}

/* expect.state(node, name, {session=, timeout=}) */
static int l_expect_state(lua_State *L) {
  match m;
  host *h = expect_begin(L, 3, SIM_CUR_OTHER, &m);
  static const char *const known[] = {"session", "timeout", NULL};
  match_options(L, 3, "expect.state", known, &m);
  state_wait s = {h->w->nodes[m.node], m.has_sid, m.sid, luaL_checkstring(L, 2)};
  const char *what = describe(L, "state", 3);
  sb_time_us timeout = timeout_opt(L, h, 3, "expect.state", "timeout");
  excerpt_mark mk = mark_cursor(L, h, s.n->index, s.n->cursor[SIM_CUR_TRANSITION]);
  if (run_until(L, h, state_pred, &s, h->w->now + timeout)) {
    pass_expect(L, h, what);
    return 0;
  }
  char d[32];
  sim_duration_format(timeout, d, sizeof d);
  sim_buf detail = {0};
  sim_buf_printf(&detail, "  the state is still %s after %s of virtual time\n", state_of(s.n, s.has_sid, s.sid), d);
  trace_excerpt(h, &mk, 15, &detail);
  fail_expect(L, h, what, &detail);
  return 0;
}

/* expect.eq(got, want, what): plain equality, reported like the others. */
static int l_expect_eq(lua_State *L) {
  host *h = get_host(L);
  luaL_checkany(L, 2);
  const char *label = luaL_optstring(L, 3, "value");
  const char *what = lua_pushfstring(L, "expect.eq(%s)", label);
  if (lua_rawequal(L, 1, 2)) {
    if (h->w)
      pass_expect(L, h, what);
    else
      h->res->expectations++;
    return 0;
  }
  const char *got = luaL_tolstring(L, 1, NULL);
  const char *want = luaL_tolstring(L, 2, NULL);
  sim_buf detail = {0};
  sim_buf_printf(&detail, "  got  %s\n  want %s\n", got, want);
  fail_expect(L, h, what, &detail);
  return 0;
}

static int l_expect_truthy(lua_State *L) {
  host *h = get_host(L);
  const char *label = luaL_optstring(L, 2, "condition");
  const char *what = lua_pushfstring(L, "expect.truthy(%s)", label);
  if (lua_toboolean(L, 1)) {
    if (h->w)
      pass_expect(L, h, what);
    else
      h->res->expectations++;
    return 0;
  }
  fail_expect(L, h, what, NULL);
  return 0;
}

/* ---- for the binding files of the layers above (lua_host.h) ------------------------------------ */

sim_world *sim_lua_world(lua_State *L) { return need_world(L, get_host(L)); }

sim_node *sim_lua_node(lua_State *L, int idx) { return node_at(L, idx); }

void sim_lua_push_node(lua_State *L, sim_node *n) { push_node(L, n); }

void sim_lua_check_options(lua_State *L, int idx, const char *fname, const char *const *known) {
  check_options(L, idx, fname, known);
}

sb_time_us sim_lua_duration(lua_State *L, int idx, const char *what) { return duration_at(L, idx, what); }

int sim_lua_result(lua_State *L, int rc) { return push_result(L, get_host(L), rc); }

sb_time_us sim_lua_timeout(lua_State *L, int idx, const char *fname, const char *key) {
  return timeout_opt(L, get_host(L), idx, fname, key);
}

const char *sim_lua_describe(lua_State *L, const char *fname, int nargs) { return describe(L, fname, nargs); }

typedef struct ext_pred {
  bool (*pred)(void *ctx);
  void *ctx;
} ext_pred;

static bool ext_pred_holds(lua_State *L, host *h, void *ctx) {
  (void)L;
  (void)h;
  ext_pred *p = ctx;
  return p->pred(p->ctx);
}

bool sim_lua_run_until(lua_State *L, bool (*pred)(void *ctx), void *ctx, sb_time_us timeout) {
  host *h = get_host(L);
  ext_pred p = {pred, ctx};
  bool held = run_until(L, h, ext_pred_holds, &p, need_world(L, h)->now + timeout);
  check_internal(L, h);
  return held;
}

typedef struct ext_seek {
  sim_lua_match_fn match;
  void *ctx;
  int node;
  size_t scan, at;
} ext_seek;

static bool ext_seek_pred(lua_State *L, host *h, void *ctx) {
  ext_seek *s = ctx;
  scan_from(L, h, s->node, &s->scan);
  for (; s->scan < h->w->trace.n; s->scan++) {
    const sim_rec *r = sim_trace_rec(&h->w->trace, s->scan);
    if (r->node == s->node && s->match(r, s->ctx)) {
      s->at = s->scan;
      return true;
    }
  }
  return false;
}

size_t sim_lua_expect(lua_State *L, sim_node *n, int cursor, sim_lua_match_fn accept, void *ctx,
                      sb_time_us timeout, bool negative, const char *what) {
  host *h = get_host(L);
  need_world(L, h);
  ext_seek s = {accept, ctx, n->index, n->cursor[cursor], 0};
  excerpt_mark mk = mark_cursor(L, h, n->index, s.scan);
  bool found = run_until(L, h, ext_seek_pred, &s, h->w->now + timeout);
  if (found != negative) {
    if (found) n->cursor[cursor] = s.at + 1;
    pass_expect(L, h, what);
    return found ? s.at : SIZE_MAX;
  }
  sim_buf detail = {0};
  if (found) {
    sim_buf line = {0};
    sim_trace_format(&h->w->trace, s.at, &line);
    sim_buf_printf(&detail, "  but the trace has:\n    %s\n", line.s);
    sim_buf_free(&line);
  } else {
    char d[32];
    sim_duration_format(timeout, d, sizeof d);
    sim_buf_printf(&detail, "  no matching record within %s of virtual time\n", d);
    trace_excerpt(h, &mk, 15, &detail);
  }
  fail_expect(L, h, what, &detail);
  return SIZE_MAX;
}

void sim_lua_pass(lua_State *L, const char *what) { pass_expect(L, get_host(L), what); }

_Noreturn void sim_lua_fail(lua_State *L, const char *what, const char *detail) {
  sim_buf b = {0};
  if (detail) sim_buf_printf(&b, "%s", detail);
  fail_expect(L, get_host(L), what, detail ? &b : NULL);
  abort(); /* fail_expect does not return */
}

/* ---- installing the API -------------------------------------------------------------------- */

static void new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction index,
                      lua_CFunction tostring) {
  luaL_newmetatable(L, name);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "methods");
  lua_pushcfunction(L, index);
  lua_setfield(L, -2, "__index");
  if (tostring) {
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

static int l_wire_index(lua_State *L) {
  luaL_checkudata(L, 1, "sim.wire");
  const char *k = luaL_checkstring(L, 2);
  luaL_getmetafield(L, 1, "methods");
  if (lua_getfield(L, -1, k) == LUA_TNIL) return luaL_error(L, "a wire has no method '%s'", k);
  return 1;
}

static int l_world_tostring(lua_State *L) {
  lua_pushliteral(L, "world");
  return 1;
}

static void install(lua_State *L, host *h) {
  lua_pushlightuserdata(L, h);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &HOST_KEY);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &NODES_KEY);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &SCRATCH_KEY);

  static const luaL_Reg world_m[] = {{"relay", l_world_relay},       {"daemon", l_world_daemon},
                                     {"client", l_world_client},     {"run_until", l_world_run_until},
                                     {"advance", l_world_advance},   {"settle", l_world_settle},
                                     {"wire", l_world_wire},         {"partition", l_world_partition},
                                     {"heal", l_world_heal},         {"node", l_world_node},
                                     {"note", l_world_note},         {"rotate_key", l_world_rotate_key},
                                     {NULL, NULL}};
  new_class(L, "sim.world", world_m, l_world_index, l_world_tostring);
  static const luaL_Reg node_m[] = {{"connect", l_node_connect},
                                    {"reconnect", l_node_reconnect},
                                    {"close", l_node_close},
                                    {"drop_connection", l_node_drop},
                                    {"crash", l_node_crash},
                                    {"restart", l_node_restart},
                                    {"send", l_node_send},
                                    {"end_session", l_node_end_session},
                                    {"send_raw", l_node_send_raw},
                                    {"ping", l_node_ping},
                                    {"stall", l_node_stall},
                                    {"unstall", l_node_unstall},
                                    {"slow", l_node_slow},
                                    {"lose_disk", l_node_lose_disk},
                                    {"corrupt_disk", l_node_corrupt_disk},
                                    {"session_state", l_node_session_state},
                                    {"daemon_online", l_node_daemon_online},
                                    {"set_send_seq", l_node_set_send_seq},
                                    {"forge_data", l_node_forge_data},
                                    {NULL, NULL}};
  new_class(L, "sim.node", node_m, l_node_index, l_node_tostring);
  static const luaL_Reg wire_m[] = {{"inject", l_wire_inject},   {"duplicate", l_wire_duplicate},
                                    {"drop", l_wire_drop},       {"corrupt", l_wire_corrupt},
                                    {"delay", l_wire_delay},     {"reorder", l_wire_reorder},
                                    {"replay", l_wire_replay},   {"seen", l_wire_seen},
                                    {"clear", l_wire_clear},     {"stall", l_wire_stall},
                                    {"unstall", l_wire_unstall}, {NULL, NULL}};
  new_class(L, "sim.wire", wire_m, l_wire_index, NULL);

  lua_register(L, "scenario", l_scenario);
  static const luaL_Reg sim_f[] = {{"world", l_world},   {"hex", l_hex},         {"unhex", l_unhex},
                                   {"frame", l_frame},   {"duration", l_duration}, {NULL, NULL}};
  luaL_newlib(L, sim_f);
  lua_setglobal(L, "sim");
  static const luaL_Reg expect_f[] = {{"frame", l_expect_frame},
                                      {"no_frame", l_expect_no_frame},
                                      {"control", l_expect_control},
                                      {"transition", l_expect_transition},
                                      {"transitions", l_expect_transitions},
                                      {"note", l_expect_note},
                                      {"no_note", l_expect_no_note},
                                      {"delivered", l_expect_delivered},
                                      {"no_delivery", l_expect_no_delivery},
                                      {"link", l_expect_link},
                                      {"keys", l_expect_keys},
                                      {"no_keys", l_expect_no_keys},
                                      {"state", l_expect_state},
                                      {"eq", l_expect_eq},
                                      {"truthy", l_expect_truthy},
                                      {NULL, NULL}};
  luaL_newlib(L, expect_f);
  lua_setglobal(L, "expect");
  sim_lua_cloud_install(L); /* world:cloud{}, expect.api (lua_cloud.c) */
  sim_lua_peer_install(L);  /* world:peer{}, world:peer_server{}, expect.rpc ... (lua_peer.c) */

  /* No wall time in scenarios (determinism), no exit behind the runner's back. */
  lua_getglobal(L, "os");
  static const char *const gone[] = {"time", "clock", "date", "exit", "execute", "getenv", "difftime", NULL};
  for (const char *const *p = gone; *p; p++) {
    lua_pushnil(L);
    lua_setfield(L, -2, *p);
  }
  lua_pop(L, 1);
}

/* ---- the runner ------------------------------------------------------------------------------- */

/* Lua instructions a script may run (in units of a million) before it is
 * taken for an endless loop. */
#define SIM_MAX_LUA_MEGA_INSTRUCTIONS 500

static void count_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  host *h = get_host(L);
  if (++h->mega_instructions <= SIM_MAX_LUA_MEGA_INSTRUCTIONS) return;
  luaL_where(L, 0); /* level 0 in a hook: the function that was running */
  lua_pushfstring(L, "%sthe script ran more than %d million Lua instructions: an endless loop?",
                  lua_tostring(L, -1), SIM_MAX_LUA_MEGA_INSTRUCTIONS);
  lua_error(L);
}

static int msgh(lua_State *L) {
  if (lua_type(L, 1) == LUA_TLIGHTUSERDATA) return 1; /* a sentinel: as is */
  const char *msg = lua_tostring(L, 1);
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  luaL_traceback(L, L, msg, 1);
  return 1;
}

const char *sim_outcome_name(sim_outcome o) {
  switch (o) {
    case SIM_PASS:
      return "pass";
    case SIM_FAIL:
      return "fail";
    case SIM_SKIP:
      return "skip";
    case SIM_MALFORMED:
      return "malformed";
    case SIM_INTERNAL:
      return "internal";
  }
  return "?";
}

static void collect_rows(host *h) {
  sim_scenario_result *r = h->res;
  if (!h->w) return;
  const sim_trace *tr = &h->w->trace;
  /* the rows of released transitions, then those of the records in memory */
  for (size_t i = 0; i < tr->nrows + (tr->n - sim_trace_first(tr)); i++) {
    const sim_rec *rec = i < tr->nrows ? NULL : sim_trace_rec(tr, sim_trace_first(tr) + (i - tr->nrows));
    const char *row = rec ? rec->row : tr->rows[i];
    if ((rec && rec->kind != SIM_REC_TRANSITION) || !row) continue;
    bool seen = false;
    for (size_t k = 0; k < r->nrows && !seen; k++) seen = !strcmp(r->rows[k], row);
    if (seen) continue;
    r->rows = sim_xrealloc(r->rows, (r->nrows + 1) * sizeof *r->rows);
    r->rows[r->nrows++] = sim_xstrdup(row);
  }
  if (r->nrows) qsort(r->rows, r->nrows, sizeof *r->rows, cmp_cstr);
}

/* After a script that ran to its end: every declared row must have been exercised. */
static sim_outcome check_declared(host *h) {
  sim_scenario_result *r = h->res;
  sim_buf msg = {0};
  for (size_t i = 0; i < r->nrows_declared; i++) {
    bool hit = false;
    for (size_t k = 0; k < r->nrows && !hit; k++) hit = !strcmp(r->rows[k], r->rows_declared[i]);
    if (!hit) sim_buf_printf(&msg, "%s: declares row %s, but no transition of the run followed it\n", h->path,
                             r->rows_declared[i]);
  }
  if (!msg.s && r->expectations == 0 && r->nrows_declared == 0)
    sim_buf_printf(&msg, "%s: the scenario checked nothing (no expect.* call and no declared rows)\n", h->path);
  if (!msg.s) return SIM_PASS;
  replay_hint(h, &msg);
  set_message(h, msg.s);
  sim_buf_free(&msg);
  return SIM_FAIL;
}

static void set_package_path(lua_State *L, const char *path) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash)
    *slash = '\0';
  else
    snprintf(dir, sizeof dir, ".");
  lua_getglobal(L, "package");
  /* helpers in scenarios/lib are found from scenarios/<layer>/ and scenarios/<layer>/<topic>/ */
  lua_pushfstring(L, "%s/?.lua;%s/lib/?.lua;%s/../lib/?.lua;%s/../../lib/?.lua", dir, dir, dir, dir);
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
}

sim_outcome sim_scenario_run(const char *path, const sim_run_opts *o, sim_scenario_result *res) {
  memset(res, 0, sizeof *res);
  host h = {.path = path, .o = o, .res = res, .expect_timeout = SIM_DEFAULT_EXPECT_TIMEOUT_US,
            .log = o->log ? o->log : stderr};
  const char *slash = strrchr(path, '/');
  snprintf(h.display, sizeof h.display, "%s", slash ? slash + 1 : path);
  res->seed = o->has_seed ? o->seed : SIM_DEFAULT_SEED;
  lua_State *L = luaL_newstate();
  if (!L) {
    res->message = sim_xstrdup("cannot create a Lua state (out of memory)");
    return res->outcome = SIM_INTERNAL;
  }
  luaL_openlibs(L);
  lua_getglobal(L, "math");
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, (lua_Integer)res->seed);
  lua_call(L, 1, 0);
  lua_pop(L, 1);
  set_package_path(L, path);
  install(L, &h);
  lua_sethook(L, count_hook, LUA_MASKCOUNT, 1000000);
  lua_pushcfunction(L, msgh);
  int rc = luaL_loadfile(L, path);
  sim_outcome out = SIM_PASS;
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, -2);
  if (rc != LUA_OK) {
    const void *sentinel = lua_type(L, -1) == LUA_TLIGHTUSERDATA ? lua_touserdata(L, -1) : NULL;
    if (sentinel == &STOP_DECLARED || sentinel == &STOP_SKIP) {
      out = sentinel == &STOP_SKIP ? SIM_SKIP : SIM_PASS;
    } else if (sentinel == &STOP_FAIL) {
      out = SIM_FAIL;
    } else if (sentinel == &STOP_INTERNAL) {
      out = SIM_INTERNAL;
    } else {
      const char *msg = lua_tostring(L, -1);
      out = rc == LUA_ERRMEM ? SIM_INTERNAL : SIM_MALFORMED;
      if (rc == LUA_ERRFILE) out = SIM_MALFORMED;
      /* First line: "file:line: message"; the traceback follows in verbose mode. */
      if (msg && !o->verbose) {
        const char *nl = strstr(msg, "\nstack traceback:");
        size_t n = nl ? (size_t)(nl - msg) : strlen(msg);
        res->message = sim_xmalloc(n + 1);
        memcpy(res->message, msg, n);
        res->message[n] = '\0';
      } else {
        res->message = sim_xstrdup(msg ? msg : "(no message)");
      }
    }
  }
  collect_rows(&h);
  if (rc == LUA_OK && !o->declare_only) {
    if (!h.declared) {
      res->message = sim_xstrdup("the script never called scenario{ name = ..., ... }");
      out = SIM_MALFORMED;
    } else if (h.w && h.w->internal[0]) {
      char msg[400];
      snprintf(msg, sizeof msg, "internal error: %s", h.w->internal);
      res->message = sim_xstrdup(msg);
      out = SIM_INTERNAL;
    } else if (h.w && h.w->violation[0]) {
      char msg[700];
      snprintf(msg, sizeof msg, "%s: the layer invariant failed: %s\n", path, h.w->violation);
      res->message = sim_xstrdup(msg);
      out = SIM_FAIL;
    } else {
      out = check_declared(&h);
    }
  }
  if (h.w) {
    sim_trace_digest(&h.w->trace, res->digest);
    res->virtual_time = h.w->now;
    res->events = h.w->events;
    res->records = h.w->trace.n;
  }
  lua_close(L);
  sim_world_free(h.w);
  if (!h.declared && out == SIM_PASS && o->declare_only) {
    free(res->message);
    res->message = sim_xstrdup("the script never called scenario{ name = ..., ... }");
    out = SIM_MALFORMED;
  }
  return res->outcome = out;
}

static void free_list(char **l, size_t n) {
  for (size_t i = 0; i < n; i++) free(l[i]);
  free(l);
}

void sim_scenario_result_free(sim_scenario_result *r) {
  free(r->name);
  free(r->description);
  free_list(r->requirements, r->nrequirements);
  free_list(r->rows_declared, r->nrows_declared);
  free_list(r->rows, r->nrows);
  free(r->message);
  memset(r, 0, sizeof *r);
}
