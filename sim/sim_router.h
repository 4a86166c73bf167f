/*
 * The runtime Router in the simulator (ref/peer/router.h): plain SBP
 * servers whose accepted connections are served by an sb_router_conn, with
 * routes whose handlers are scripted (sim_route_spec), and SBP proxies that
 * terminate one session and re-originate every Message on another with
 * fresh frameIds (SBP-BEH-009).
 *
 * Both are peer-server nodes of sim_peer.h (kind SIM_PEER, plain, no peer
 * machine) driven through sim_peer_set_driver, so clients connect to them
 * with world:peer{ server = ... } and their frames are ordinary "sbp"
 * records. A Router server makes one sb_router for the node (its routes
 * apply to every connection) and one sb_router_conn per accepted
 * connection. A proxy has a downstream side (the connections it accepts)
 * and, for each, an upstream connection to its target server, numbered like
 * the downstream one; each side is an sb_router_conn whose routes forward
 * rpc, event and app/ Messages, and whose response hook forwards R and E
 * envelopes, to the other side (queued until it is open). Either side
 * ending closes the other.
 *
 * Trace: handler invocations are "peer" records of the server node,
 * `what` "handler" (tag: the route's label, name: the subject, text: the
 * method, session: the connection number, value: {route, order, frame,
 * rpc: {method, cid, params}} with `rpc` only when msg.rpc exists) and
 * "handler_done" (err SB_ERR_ROUTER_HANDLER_THREW and the message when it
 * threw). The connection's notes are note records of machine "router"
 * (sid: the connection number). Transport closes: 1002 after a protocol or
 * policy fault (SBP-ERR-012), 1000 otherwise.
 */
#ifndef SIM_SIM_ROUTER_H
#define SIM_SIM_ROUTER_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "peer/router.h"
#include "sim_peer.h"
#include "world.h"

/* What a scripted handler does. */
typedef enum sim_route_kind {
  SIM_ROUTE_RESULT = 0, /* rpc.reply(result) (result NULL: omitted); elsewhere returns */
  SIM_ROUTE_ECHO,       /* rpc.reply(params) */
  SIM_ROUTE_RPC_ERROR,  /* rpc.error(code, message, data) */
  SIM_ROUTE_THROW,      /* throws `message` */
  SIM_ROUTE_SILENT,     /* returns without replying (RPC-ERR-006) */
  SIM_ROUTE_HANG        /* never finishes (the router's timeout answers) */
} sim_route_kind;

typedef struct sim_route_spec sim_route_spec;

typedef struct sim_route_method {
  char *name;
  sim_route_spec *spec;
} sim_route_method;

struct sim_route_spec {
  char label[32];    /* "" for a method spec */
  sim_route_kind kind;
  sb_time_us delay;  /* the handler works this long (async), then acts */
  cJSON *result;     /* RESULT; owned */
  double code;       /* RPC_ERROR */
  char *message;     /* RPC_ERROR, THROW; owned */
  cJSON *data;       /* RPC_ERROR; owned */
  char *send_subject; /* msg.send(subject, data) when invoked; owned */
  uint8_t *send_data;
  size_t send_len;
  sim_route_method *methods; /* rpc: per-method specs; another method gets 1101 */
  size_t nmethods;
};

/* Release what a spec owns (not the struct). */
void sim_route_spec_free(sim_route_spec *s);

/* Options of a Router server's connections (world:peer_server{ router = true }). */
typedef struct sim_router_opts {
  const char *peer_id;    /* the server's Handshake peerId (NULL: the node name); copied */
  sb_time_us rpc_timeout; /* 0: 30 s */
  struct {
    char method[64];
    sb_time_us timeout;
  } method_timeouts[SB_ROUTER_MAX_METHOD_TIMEOUTS];
  size_t nmethod_timeouts;
  sb_router_acks acks;
  bool has_max_frame;
  uint32_t max_frame;
  bool has_max_error_details;
  uint32_t max_error_details;
  sb_router_throttle throttle;
  bool upstream_envelopes;
  sb_time_us handshake_timeout;
  bool upstream_silent_failure, upstream_ignore_control;
} sim_router_opts;

void sim_router_opts_default(sim_router_opts *o);

/* Make peer-server node `n` (plain, raw) a Router server. SB_ERR_ARG (w->err). */
int sim_router_attach(sim_node *n, const sim_router_opts *o);

/* Add a proxy node in front of plain server `target` (w->err when refused). */
sim_node *sim_world_add_proxy(sim_world *w, const char *name, const char *peer_id, sim_node *target);

/* true if `n` is a Router server / a proxy. */
bool sim_router_is_router(const sim_node *n);
bool sim_router_is_proxy(const sim_node *n);

/* route(subject, ...) / routePrefix(prefix, ...) with a scripted handler
 * (`spec` taken over, also on failure); `*id` gets the registration. The
 * router's refusals come back (SB_ERR_SBP_SUBJECT_*, SB_ERR_ARG, ...). */
int sim_router_route(sim_node *n, const char *subject, bool prefix, sb_router_mode mode,
                     sim_route_spec *spec, uint32_t *id);
void sim_router_unsubscribe(sim_node *n, uint32_t id);
void sim_router_unroute(sim_node *n, const char *subject);
void sim_router_clear(sim_node *n);

/* Expectation cursors of the node's handler records. */
enum { SIM_RC_HANDLED, SIM_RC_DONE, SIM_RC_CURSORS };
size_t *sim_router_cursor(sim_node *n, int which);

/* The Lua bindings (lua_router.c), installed by the peer bindings: the
 * router options of world:peer_server{} (`idx` the option table; true when
 * `router = true`), world:sbp_proxy{}, the server's route methods and
 * expect.handled / expect.no_handled / expect.handler_done. */
bool sim_lua_router_options(lua_State *L, int idx, const char *fname, sim_router_opts *o);
void sim_lua_router_install(lua_State *L);

#endif
