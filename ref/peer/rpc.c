#include "peer/rpc.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "peer/peer.h"
#include "rpc/channel.h"
#include "rpc/codes.h"

#define RPC_SUBJECT "rpc"

void sb_peer_rpc_init(sb_peer_rpc *r) {
  memset(r, 0, sizeof *r);
  sb_rpc_correlation_init(&r->pending, r->pending_slots, SB_PEER_MAX_CALLS);
}

void sb_peer_rpc_free(sb_peer_rpc *r) {
  if (!r) return;
  for (size_t i = 0; i < SB_PEER_MAX_CALLS; i++) {
    cJSON_Delete(r->calls[i].req);
    r->calls[i].req = NULL;
    r->calls[i].phase = SB_PEER_CALL_FREE;
  }
}

/* ---- the buffer estimate (RPC-SDK-008) ----------------------------------- */

/* UTF-16 code units of UTF-8 text, as JavaScript's String length counts
 * them: one per code point, two for those above U+FFFF. */
static uint64_t utf16_units(const uint8_t *s, size_t n) {
  uint64_t units = 0;
  for (size_t i = 0; i < n; i++) {
    if ((s[i] & 0xC0) == 0x80) continue; /* continuation byte */
    units += (s[i] >= 0xF0) ? 2 : 1;
  }
  return units;
}

uint64_t sb_peer_rpc_estimate(const char *method, const cJSON *params) {
  uint64_t m = method ? utf16_units((const uint8_t *)method, strlen(method)) : 0;
  /* JSON.stringify(undefined) is not a string: it counts 0. */
  if (!params || (params->type & 0xFF) == cJSON_Invalid) return m + SB_PEER_RPC_ESTIMATE_OVERHEAD;
  size_t need = 0;
  int rc = sb_rpc_envelope_encode_value(params, NULL, 0, &need);
  if (rc != SB_ERR_BUF) return m + SB_PEER_RPC_ESTIMATE_UNENCODABLE; /* stringify "throws" */
  uint8_t *text = cJSON_malloc(need ? need : 1);
  if (!text) return m + SB_PEER_RPC_ESTIMATE_UNENCODABLE;
  rc = sb_rpc_envelope_encode_value(params, text, need, &need);
  uint64_t units = rc == SB_OK ? m + utf16_units(text, need) + SB_PEER_RPC_ESTIMATE_OVERHEAD
                               : m + SB_PEER_RPC_ESTIMATE_UNENCODABLE;
  cJSON_free(text);
  return units;
}

/* ---- slots ---------------------------------------------------------------- */

static sb_peer_call_slot *find_call(sb_peer *p, uint64_t tag) {
  for (size_t i = 0; i < SB_PEER_MAX_CALLS; i++)
    if (p->rpc.calls[i].phase != SB_PEER_CALL_FREE && p->rpc.calls[i].tag == tag)
      return &p->rpc.calls[i];
  return NULL;
}

static sb_peer_call_slot *free_call(sb_peer *p) {
  for (size_t i = 0; i < SB_PEER_MAX_CALLS; i++)
    if (p->rpc.calls[i].phase == SB_PEER_CALL_FREE) return &p->rpc.calls[i];
  return NULL;
}

static const char *call_method(const sb_peer_call_slot *c) {
  const cJSON *m = c ? cJSON_GetObjectItemCaseSensitive(c->req, "m") : NULL;
  return cJSON_IsString(m) ? m->valuestring : "";
}

/* The outcome reported for one call. */
typedef struct outcome {
  int err;
  const char *message;
  const cJSON *result;
  double wire_code;
  const cJSON *data;
} outcome;

/* Report `o` for a call that is no longer queued or in flight. tryCall
 * never fails with a foreign error: those become rpc_error (RPC-SDK-012). */
static void report(sb_peer *p, uint64_t tag, bool try_call, bool started_active, outcome o) {
  sb_peer_call_result r = {0};
  r.tag = tag;
  r.err = o.err;
  r.message = o.err ? (o.message ? o.message : sb_err_str(o.err)) : NULL;
  r.result = o.result;
  r.wire_code = o.wire_code;
  r.data = o.data;
  r.try_call = try_call;
  if (try_call) {
    if (r.err && !sb_peer_error_code(r.err)) r.err = SB_ERR_PEER_RPC_ERROR;
    r.ok = r.err == SB_OK;
    /* The documents: "the peer was not active when the call was made", for
     * both outcomes; upstream rpc.ts: false on every failure (E-PEER-6). */
    r.reconnected = !started_active && (r.ok || !p->cfg.upstream_try_call);
  }
  if (p->io.call_result) p->io.call_result(p->io.ctx, &r);
}

/* Settle and release a slot. The slot is freed before the callback, its
 * tree after (the message may point into it). */
static void finish(sb_peer *p, sb_peer_call_slot *c, outcome o) {
  cJSON *req = c->req;
  uint64_t tag = c->tag;
  bool try_call = c->try_call, started = c->started_active;
  if (c->phase == SB_PEER_CALL_QUEUED) p->rpc.queued_bytes -= c->estimate;
  memset(c, 0, sizeof *c);
  report(p, tag, try_call, started, o);
  cJSON_Delete(req);
}

static outcome fail(int err, const char *message) {
  outcome o = {err, message, NULL, 0, NULL};
  return o;
}

static sb_time_us deadline_after(sb_time_us now, sb_time_us timeout) {
  return timeout > SB_TIME_NEVER - now ? SB_TIME_NEVER - 1 : now + timeout;
}

/* Send a call now: a fresh frameId that is also its cid (RPC-CID-001), its
 * timer starting at the send (RPC-SDK-011). */
static void send_call(sb_peer *p, sb_peer_call_slot *c, sb_time_us now) {
  int rc = sb_sbp_frame_id_generate(&p->rng, c->cid);
  if (rc != SB_OK) {
    finish(p, c, fail(rc, NULL));
    return;
  }
  sb_rpc_envelope env = {.t = SB_RPC_REQUEST, .cid_len = SB_RPC_CID_BYTES};
  memcpy(env.cid, c->cid, SB_RPC_CID_BYTES);
  env.m = call_method(c);
  env.p = cJSON_GetObjectItemCaseSensitive(c->req, "p");
  if (c->phase == SB_PEER_CALL_QUEUED) p->rpc.queued_bytes -= c->estimate;
  c->phase = SB_PEER_CALL_IN_FLIGHT;
  c->estimate = 0;
  rc = sb_rpc_correlation_add(&p->rpc.pending, c->cid, deadline_after(now, c->timeout), c);
  if (rc != SB_OK) {
    c->phase = SB_PEER_CALL_QUEUED; /* not in the table: finish() releases it */
    finish(p, c, fail(rc, NULL));
    return;
  }
  rc = sb_peer_send_envelope(p, RPC_SUBJECT, &env, c->cid);
  if (rc != SB_OK) {
    sb_rpc_pending gone;
    if (sb_rpc_correlation_cancel(&p->rpc.pending, c->cid, &gone) == SB_OK)
      finish(p, c, fail(rc, NULL));
    return;
  }
  /* The params are on the wire; keep only the method for messages. */
  cJSON_DeleteItemFromObjectCaseSensitive(c->req, "p");
}

int sb_peer_rpc_call(sb_peer *p, sb_time_us now, uint64_t tag, const char *method,
                     const cJSON *params, const sb_peer_call_opts *opts) {
  if (!p || !method) return SB_ERR_ARG;
  sb_peer_call_opts o = opts ? *opts : (sb_peer_call_opts){0};
  if (o.has_timeout && o.timeout < 0) return SB_ERR_ARG;
  if (find_call(p, tag)) return SB_ERR_EXISTS;
  bool started_active = p->state == SB_PEER_ACTIVE;
  /* Immediate outcomes, in the order upstream's doCall checks them. */
  if (p->state == SB_PEER_CLOSED) {
    report(p, tag, o.try_call, started_active, fail(SB_ERR_PEER_CLOSED, "Peer is closed"));
    return SB_OK;
  }
  if (o.aborted) {
    report(p, tag, o.try_call, started_active, fail(SB_ERR_PEER_RPC_CANCELLED, "Aborted"));
    return SB_OK;
  }
  bool pause = p->cfg.role == SB_PEER_ROLE_CLIENT &&
               p->cfg.on_disconnect == SB_PEER_ON_DISCONNECT_PAUSE;
  if (!started_active && !pause) {
    report(p, tag, o.try_call, started_active,
           fail(SB_ERR_PEER_NOT_CONNECTED, "Peer not connected"));
    return SB_OK;
  }
  uint64_t estimate = 0;
  if (!started_active) {
    estimate = sb_peer_rpc_estimate(method, params);
    if (p->rpc.queued_bytes + estimate > p->cfg.disconnect_buffer_limit) {
      report(p, tag, o.try_call, started_active,
             fail(SB_ERR_PEER_BUFFER_OVERFLOW, "RPC buffer overflow"));
      return SB_OK;
    }
  }
  sb_peer_call_slot *c = free_call(p);
  if (!c) return SB_ERR_FULL;
  cJSON *req = cJSON_CreateObject();
  if (!req || !cJSON_AddStringToObject(req, "m", method)) {
    cJSON_Delete(req);
    return SB_ERR_NOMEM;
  }
  /* A cJSON_Invalid item is JavaScript's undefined: no `p` at all. */
  if (params && (params->type & 0xFF) != cJSON_Invalid) {
    cJSON *copy = cJSON_Duplicate(params, 1);
    if (!copy || !cJSON_AddItemToObject(req, "p", copy)) {
      cJSON_Delete(copy);
      cJSON_Delete(req);
      return SB_ERR_NOMEM;
    }
  }
  memset(c, 0, sizeof *c);
  c->tag = tag;
  c->seq = ++p->rpc.next_seq;
  c->req = req;
  c->try_call = o.try_call;
  c->started_active = started_active;
  c->timeout = o.has_timeout ? o.timeout : p->cfg.default_timeout;
  c->deadline = SB_TIME_NEVER;
  c->phase = SB_PEER_CALL_QUEUED;
  if (started_active) {
    send_call(p, c, now); /* straight through: nothing was counted */
    return SB_OK;
  }
  c->estimate = estimate;
  p->rpc.queued_bytes += estimate;
  if (p->cfg.guide_queued_timeouts) c->deadline = deadline_after(now, c->timeout);
  return SB_OK;
}

int sb_peer_rpc_cancel(sb_peer *p, sb_time_us now, uint64_t tag) {
  (void)now;
  if (!p) return SB_ERR_ARG;
  sb_peer_call_slot *c = find_call(p, tag);
  if (!c) return SB_ERR_NOT_FOUND;
  if (c->phase == SB_PEER_CALL_IN_FLIGHT) {
    /* Abandoned locally: its response will match nothing (RPC-CID-007). */
    sb_rpc_pending gone;
    if (sb_rpc_correlation_cancel(&p->rpc.pending, c->cid, &gone) != SB_OK) return SB_ERR_NOT_FOUND;
  }
  finish(p, c, fail(SB_ERR_PEER_RPC_CANCELLED, "Request cancelled"));
  return SB_OK;
}

/* The oldest queued call, or NULL (the buffer is FIFO, PEER-BUF-007). */
static sb_peer_call_slot *oldest_queued(sb_peer *p) {
  sb_peer_call_slot *best = NULL;
  for (size_t i = 0; i < SB_PEER_MAX_CALLS; i++) {
    sb_peer_call_slot *c = &p->rpc.calls[i];
    if (c->phase == SB_PEER_CALL_QUEUED && (!best || c->seq < best->seq)) best = c;
  }
  return best;
}

void sb_peer_rpc_flush(sb_peer *p, sb_time_us now) {
  /* Only what is queued now: a call queued while flushing waits (upstream
   * splices the queue first). */
  uint64_t last = p->rpc.next_seq;
  sb_peer_call_slot *c;
  while ((c = oldest_queued(p)) && c->seq <= last && p->state == SB_PEER_ACTIVE) send_call(p, c, now);
}

static void fail_in_flight(sb_peer *p, int err, const char *message) {
  sb_rpc_pending out;
  while (sb_rpc_correlation_take_oldest(&p->rpc.pending, &out))
    finish(p, (sb_peer_call_slot *)out.user, fail(err, message));
}

static void fail_queued(sb_peer *p, int err, const char *message) {
  sb_peer_call_slot *c;
  while ((c = oldest_queued(p))) finish(p, c, fail(err, message));
}

void sb_peer_rpc_session_lost(sb_peer *p, int err, bool keep_queued) {
  const char *message = err == SB_ERR_PEER_CLOSED ? "Peer closed" : "Peer disconnected";
  fail_in_flight(p, err, message);
  if (!keep_queued) fail_queued(p, err, message);
}

void sb_peer_rpc_closed(sb_peer *p) {
  fail_in_flight(p, SB_ERR_PEER_CLOSED, "Peer is closed");
  fail_queued(p, SB_ERR_PEER_CLOSED, "Peer is closed");
}

void sb_peer_rpc_receive_response(sb_peer *p, const sb_rpc_envelope *env) {
  sb_rpc_pending out;
  if (sb_rpc_correlation_resolve(&p->rpc.pending, env->cid, &out) != SB_OK) {
    /* Timed out, cancelled or never ours: dropped quietly (RPC-CID-007/008). */
    sb_peer_notify(p, "response_dropped", SB_ERR_RPC_CID_UNKNOWN, "no pending call for this cid");
    return;
  }
  sb_peer_call_slot *c = out.user;
  if (env->t == SB_RPC_SUCCESS) {
    outcome o = {SB_OK, NULL, env->result, 0, NULL};
    finish(p, c, o);
  } else {
    outcome o = {SB_ERR_PEER_RPC_ERROR, env->message, NULL, env->code, env->data};
    finish(p, c, o);
  }
}

bool sb_peer_rpc_error_frame(sb_peer *p, const uint8_t id[SB_RPC_CID_BYTES], unsigned code,
                             const char *message) {
  sb_rpc_pending out;
  if (sb_rpc_correlation_resolve(&p->rpc.pending, id, &out) != SB_OK) return false;
  outcome o = {SB_ERR_PEER_RPC_ERROR, message, NULL, (double)code, NULL};
  finish(p, (sb_peer_call_slot *)out.user, o);
  return true;
}

sb_time_us sb_peer_rpc_deadline(const sb_peer *p) {
  sb_time_us d = sb_rpc_correlation_next_deadline(&p->rpc.pending);
  if (p->cfg.guide_queued_timeouts)
    for (size_t i = 0; i < SB_PEER_MAX_CALLS; i++)
      if (p->rpc.calls[i].phase == SB_PEER_CALL_QUEUED && p->rpc.calls[i].deadline < d)
        d = p->rpc.calls[i].deadline;
  return d;
}

static void timed_out(sb_peer *p, sb_peer_call_slot *c) {
  /* Upstream's text: "RPC timeout after <ms>ms (method: <m>)". */
  char message[320];
  snprintf(message, sizeof message, "RPC timeout after %lldms (method: %.200s)",
           (long long)(c->timeout / SB_TIME_US_PER_MS), call_method(c));
  finish(p, c, fail(SB_ERR_PEER_RPC_TIMEOUT, message));
}

void sb_peer_rpc_timeout(sb_peer *p, sb_time_us now) {
  sb_rpc_pending out;
  while (sb_rpc_correlation_expire(&p->rpc.pending, now, &out))
    timed_out(p, (sb_peer_call_slot *)out.user);
  if (!p->cfg.guide_queued_timeouts) return;
  /* docs/guide/rpc.md reading: a queued call can expire unsent (E-PEER-5). */
  for (;;) {
    sb_peer_call_slot *due = NULL;
    for (size_t i = 0; i < SB_PEER_MAX_CALLS; i++) {
      sb_peer_call_slot *c = &p->rpc.calls[i];
      if (c->phase == SB_PEER_CALL_QUEUED && c->deadline <= now &&
          (!due || c->deadline < due->deadline || (c->deadline == due->deadline && c->seq < due->seq)))
        due = c;
    }
    if (!due) break;
    timed_out(p, due);
  }
}

size_t sb_peer_rpc_queued(const sb_peer *p) {
  size_t n = 0;
  for (size_t i = 0; p && i < SB_PEER_MAX_CALLS; i++)
    if (p->rpc.calls[i].phase == SB_PEER_CALL_QUEUED) n++;
  return n;
}

uint64_t sb_peer_rpc_queued_bytes(const sb_peer *p) { return p ? p->rpc.queued_bytes : 0; }

size_t sb_peer_rpc_in_flight(const sb_peer *p) {
  return p ? sb_rpc_correlation_count(&p->rpc.pending) : 0;
}

/* ---- callee side ---------------------------------------------------------- */

static sb_peer_handler_slot *find_handler(sb_peer *p, const char *method) {
  for (size_t i = 0; i < SB_PEER_MAX_HANDLERS; i++)
    if (p->rpc.handlers[i].id && strcmp(p->rpc.handlers[i].method, method) == 0)
      return &p->rpc.handlers[i];
  return NULL;
}

int sb_peer_rpc_handle(sb_peer *p, const char *method, sb_peer_handler_fn fn, void *ctx,
                       uint32_t *id) {
  if (!p || !method || !fn || !id) return SB_ERR_ARG;
  if (find_handler(p, method)) return SB_ERR_PEER_METHOD_REGISTERED;
  size_t len = strlen(method);
  if (len > SB_PEER_METHOD_MAX_BYTES) return SB_ERR_RANGE;
  for (size_t i = 0; i < SB_PEER_MAX_HANDLERS; i++) {
    sb_peer_handler_slot *h = &p->rpc.handlers[i];
    if (h->id) continue;
    if (++p->rpc.next_handler_id == 0) ++p->rpc.next_handler_id;
    h->id = p->rpc.next_handler_id;
    memcpy(h->method, method, len + 1);
    h->fn = fn;
    h->ctx = ctx;
    *id = h->id;
    return SB_OK;
  }
  return SB_ERR_FULL;
}

void sb_peer_rpc_unhandle(sb_peer *p, uint32_t id) {
  if (!p || id == 0) return;
  for (size_t i = 0; i < SB_PEER_MAX_HANDLERS; i++)
    if (p->rpc.handlers[i].id == id) memset(&p->rpc.handlers[i], 0, sizeof p->rpc.handlers[i]);
}

/* A reply that could not go out because the peer is not active is
 * swallowed (RPC-SDK-014); other failures go to onUnhandledError. */
static void reply_not_sent(sb_peer *p, int rc) {
  if (rc == SB_ERR_PEER_NOT_CONNECTED || rc == SB_ERR_PEER_CLOSED || rc == SB_ERR_PEER_SESSION_PAUSED)
    sb_peer_notify(p, "reply_dropped", rc, "response not sent");
  else
    sb_peer_unhandled(p, rc, "response not sent");
}

static void send_error_reply(sb_peer *p, const uint8_t cid[SB_RPC_CID_BYTES], double code,
                             const char *message, const cJSON *data) {
  sb_rpc_envelope env = {.t = SB_RPC_ERROR, .cid_len = SB_RPC_CID_BYTES};
  memcpy(env.cid, cid, SB_RPC_CID_BYTES);
  env.code = code;
  env.message = message ? message : "";
  env.data = data;
  int rc = sb_peer_send_envelope(p, RPC_SUBJECT, &env, NULL);
  if (rc != SB_OK) reply_not_sent(p, rc);
}

static void send_reply(sb_peer *p, const uint8_t cid[SB_RPC_CID_BYTES], sb_peer_reply *reply) {
  if (reply->kind == SB_PEER_REPLY_ERROR) {
    /* Applications own 2000 and up; anything else would speak for another
     * layer (RPC-ERR-001), so it becomes the catch-all 2000. */
    double code = reply->code;
    if (code == 0) code = SB_RPC_CODE_APPLICATION;
    if (sb_rpc_codes_range(code) != SB_RPC_CODE_RANGE_APP) {
      sb_peer_notify(p, "handler_code_replaced", SB_ERR_RANGE, "not an application code: 2000");
      code = SB_RPC_CODE_APPLICATION;
    }
    send_error_reply(p, cid, code, reply->message, reply->data);
  } else {
    sb_rpc_envelope env = {.t = SB_RPC_SUCCESS, .cid_len = SB_RPC_CID_BYTES};
    memcpy(env.cid, cid, SB_RPC_CID_BYTES);
    env.result = reply->result;
    int rc = sb_peer_send_envelope(p, RPC_SUBJECT, &env, NULL);
    /* A result with no JSON form fails like a throwing handler (rpc.ts
     * encodes inside the handler's try block): RpcError 2000. */
    if (rc == SB_ERR_RPC_ENCODE || rc == SB_ERR_RPC_UTF8)
      send_error_reply(p, cid, SB_RPC_CODE_APPLICATION, sb_err_str(rc), NULL);
    else if (rc != SB_OK)
      reply_not_sent(p, rc);
  }
  cJSON_Delete(reply->result);
  cJSON_Delete(reply->data);
  reply->result = reply->data = NULL;
}

typedef struct not_found_arg {
  const uint8_t *cid;
  const char *method;
} not_found_arg;

static int encode_not_found(void *arg, uint8_t *out, size_t cap, size_t *len) {
  const not_found_arg *a = arg;
  return sb_rpc_channel_method_not_found_reply(a->cid, a->method, out, cap, len);
}

void sb_peer_rpc_receive_request(sb_peer *p, sb_time_us now, const sb_rpc_envelope *env) {
  (void)now;
  sb_peer_handler_slot *h = find_handler(p, env->m);
  if (!h) {
    /* RPC-ERR-004 with the Peer SDK's text (RPC-SDK-013). */
    not_found_arg arg = {env->cid, env->m};
    int rc = sb_peer_send_message(p, RPC_SUBJECT, NULL, encode_not_found, &arg);
    if (rc != SB_OK) reply_not_sent(p, rc);
    return;
  }
  sb_peer_handler_fn fn = h->fn;
  void *ctx = h->ctx;
  sb_peer_request req = {env->m, env->p, {0}};
  memcpy(req.cid, env->cid, SB_RPC_CID_BYTES);
  sb_peer_reply reply = {0};
  fn(ctx, &req, &reply);
  if (reply.kind == SB_PEER_REPLY_DEFERRED) {
    cJSON_Delete(reply.result);
    cJSON_Delete(reply.data);
    return;
  }
  send_reply(p, req.cid, &reply);
}

int sb_peer_rpc_reply(sb_peer *p, sb_time_us now, const uint8_t cid[SB_RPC_CID_BYTES],
                      sb_peer_reply *reply) {
  (void)now;
  if (!p || !cid || !reply || reply->kind == SB_PEER_REPLY_DEFERRED) return SB_ERR_ARG;
  send_reply(p, cid, reply);
  return SB_OK;
}
