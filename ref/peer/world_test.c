/* The peer layer's test world (world_test.h). */
#include "peer/world_test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

void world_log(world_node *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t room = sizeof n->log - n->log_len;
  int k = vsnprintf(n->log + n->log_len, room, fmt, ap);
  va_end(ap);
  if (k < 0 || (size_t)k + 1 >= room) {
    SBT_CHECK(false, "world log of %c overflowed", n->name);
    return;
  }
  n->log_len += (size_t)k;
  n->log[n->log_len++] = '\n';
  n->log[n->log_len] = '\0';
}

const char *world_take(world_node *n) {
  memcpy(n->taken, n->log, n->log_len + 1);
  n->log_len = 0;
  n->log[0] = '\0';
  return n->taken;
}

static const char *code_name(int err) {
  const char *c = sb_peer_error_code(err);
  return c ? c : sb_err_name(err);
}

/* ---- the wire ------------------------------------------------------------- */

static void enqueue(world *w, char to, sb_peer_session s, const uint8_t *bytes, size_t len) {
  if (w->wire_count == WORLD_WIRE_FRAMES) {
    SBT_CHECK(false, "wire full");
    return;
  }
  wire_frame *f = &w->wire[(w->wire_head + w->wire_count) % WORLD_WIRE_FRAMES];
  f->to = to;
  f->session = s;
  f->len = len;
  f->bytes = NULL;
  if (bytes) {
    f->bytes = malloc(len ? len : 1);
    memcpy(f->bytes, bytes, len);
  }
  w->wire_count++;
}

static void remember(uint8_t **ring, size_t *lens, size_t *count, const uint8_t *frame, size_t len) {
  size_t i = *count % 64;
  free(ring[i]);
  ring[i] = malloc(len ? len : 1);
  memcpy(ring[i], frame, len);
  lens[i] = len;
  (*count)++;
}

static void io_send(void *ctx, sb_peer_session s, const uint8_t *frame, size_t len) {
  world_node *n = ctx;
  world *w = n->w;
  if (n->name == 'A') {
    remember(w->a_sent, w->a_sent_len, &w->a_sent_count, frame, len);
    if (s == w->a_s && w->b_live) enqueue(w, 'B', w->b_s, frame, len);
  } else {
    remember(w->b_sent, w->b_sent_len, &w->b_sent_count, frame, len);
    if (s == w->b_s && w->a_s) enqueue(w, 'A', w->a_s, frame, len);
  }
}

static void io_open(void *ctx, sb_peer_session s) {
  world_node *n = ctx;
  n->opened = s;
  world_log(n, "O %u", (unsigned)s);
}

static void io_close(void *ctx, sb_peer_session s, const char *reason) {
  world_node *n = ctx;
  world *w = n->w;
  world_log(n, "C %u %s", (unsigned)s, reason ? reason : "-");
  if (n->name == 'A') {
    if (n->opened == s) n->opened = 0; /* an open that was still under way */
    if (s == w->a_s) {
      if (w->b_live) enqueue(w, 'B', w->b_s, NULL, 0);
      w->a_s = 0;
    }
  } else if (s == w->b_s && w->a_s) {
    enqueue(w, 'A', w->a_s, NULL, 0);
    w->b_s = 0;
  }
}

static int io_event(void *ctx, const sb_peer_event *ev) {
  world_node *n = ctx;
  if (ev->kind == SB_PEER_EVENT_STATE_CHANGE)
    world_log(n, "E stateChange %s", sb_peer_state_name(ev->state));
  else if (ev->kind == SB_PEER_EVENT_ERROR)
    world_log(n, "E error %s: %s", code_name(ev->err), ev->message ? ev->message : "");
  else
    world_log(n, "E %s", sb_peer_event_name(ev->kind));
  return n->listener_throws ? SB_ERR_STATE : 0;
}

static void io_settle(void *ctx, const sb_peer_settlement *st) {
  world_node *n = ctx;
  const char *what = st->err ? code_name(st->err) : "ok";
  switch (st->kind) {
    case SB_PEER_SETTLE_CONNECT: world_log(n, "S connect %s", what); break;
    case SB_PEER_SETTLE_RECONNECTING: {
      static const char *const status[] = {"connected", "aborted", "failed"};
      world_log(n, "S reconnecting %s", status[st->status]);
      break;
    }
    case SB_PEER_SETTLE_WHEN_READY:
      world_log(n, "S ready %llu %s", (unsigned long long)st->tag, what);
      break;
    case SB_PEER_SETTLE_ACCEPT: world_log(n, "S accept %s", what); break;
  }
}

static void io_call_result(void *ctx, const sb_peer_call_result *r) {
  world_node *n = ctx;
  char extra[64] = "";
  if (r->try_call) snprintf(extra, sizeof extra, " try ok=%d reconnected=%d", r->ok, r->reconnected);
  if (r->err == SB_OK) {
    char *json = r->result ? cJSON_PrintUnformatted(r->result) : NULL;
    world_log(n, "R %llu ok%s%s%s", (unsigned long long)r->tag, json ? " " : "", json ? json : "",
              extra);
    cJSON_free(json);
  } else if (r->err == SB_ERR_PEER_RPC_ERROR && r->wire_code != 0) {
    char *json = r->data ? cJSON_PrintUnformatted(r->data) : NULL;
    world_log(n, "R %llu rpc_error %.0f: %s%s%s%s", (unsigned long long)r->tag, r->wire_code,
              r->message, json ? " " : "", json ? json : "", extra);
    cJSON_free(json);
  } else {
    world_log(n, "R %llu %s: %s%s", (unsigned long long)r->tag, code_name(r->err),
              r->message ? r->message : "", extra);
  }
}

static void io_unhandled(void *ctx, int err, const char *text) {
  world_node *n = ctx;
  world_log(n, "U %s: %s", err ? code_name(err) : "-", text ? text : "");
}

static void io_transition(void *ctx, const sb_peer_transition *t) {
  world_node *n = ctx;
  /* Rows are logged by their full name (PEER-SM-T1 .. PEER-SM-T12, PEER-SRV-*),
   * so an expected log line is also the row's citation for tools/reqcov.sh. */
  world_log(n, "T %s>%s %s", t->from, t->to, t->row ? t->row : "-");
}

static void io_note(void *ctx, const sb_peer_note *note) {
  world_node *n = ctx;
  n->notes++;
  snprintf(n->last_note, sizeof n->last_note, "%s %s", note->what, note->text ? note->text : "");
}

static sb_peer_io node_io(world_node *n) {
  sb_peer_io io = {n,         io_send,        io_open,      io_close,      io_event,
                   io_settle, io_call_result, io_unhandled, io_transition, io_note};
  return io;
}

/* ---- setup ------------------------------------------------------------------ */

sb_peer_config world_config(sb_peer_role role) {
  sb_peer_config c;
  sb_peer_config_defaults(&c);
  c.role = role;
  c.negotiator.peer_id = role == SB_PEER_ROLE_CLIENT ? "peer-a" : "peer-b";
  return c;
}

static void node_init(world *w, world_node *n, char name, const sb_peer_config *cfg, uint64_t seed) {
  n->w = w;
  n->name = name;
  n->cfg = *cfg;
  if (!n->frame_buf) n->frame_buf = malloc(WORLD_FRAME_BUF);
  n->cfg.frame_buf = n->frame_buf;
  /* A smaller capacity in the config is kept (to test the limit). */
  if (cfg->frame_cap == 0 || cfg->frame_cap > WORLD_FRAME_BUF) n->cfg.frame_cap = WORLD_FRAME_BUF;
  if (!n->p) n->p = calloc(1, sizeof *n->p);
  sb_xoshiro_seed(&n->x, seed);
  sb_rng rng = sb_xoshiro_rng(&n->x);
  sb_peer_io io = node_io(n);
  int rc = sb_peer_init(n->p, &n->cfg, &io, &rng);
  SBT_CHECK(rc == SB_OK, "peer %c init: %s", name, sb_err_name(rc));
}

world *world_new(const sb_peer_config *a_cfg, const sb_peer_config *b_cfg, world_setup_fn setup_b) {
  world *w = calloc(1, sizeof *w);
  sb_peer_config a = a_cfg ? *a_cfg : world_config(SB_PEER_ROLE_CLIENT);
  w->b_cfg_template = b_cfg ? *b_cfg : world_config(SB_PEER_ROLE_ACCEPTED);
  w->setup_b = setup_b;
  node_init(w, &w->a, 'A', &a, 0xA11CE);
  w->b.name = 'B';
  w->b.w = w;
  return w;
}

void world_free(world *w) {
  if (!w) return;
  world_drop_wire(w);
  sb_peer_free(w->a.p);
  free(w->a.p);
  free(w->a.frame_buf);
  if (w->b_live) sb_peer_free(w->b.p);
  free(w->b.p);
  free(w->b.frame_buf);
  for (size_t i = 0; i < 64; i++) {
    free(w->a_sent[i]);
    free(w->b_sent[i]);
  }
  free(w);
}

bool world_accept(world *w) {
  if (!w->a.opened) return false;
  sb_peer_session s = w->a.opened;
  w->a.opened = 0;
  if (w->b_live) sb_peer_free(w->b.p);
  node_init(w, &w->b, 'B', &w->b_cfg_template, 0xB0B + w->b_next);
  if (w->setup_b) w->setup_b(w, w->b.p);
  w->b_live = true;
  w->b_s = ++w->b_next;
  w->a_s = s;
  int rc = sb_peer_session_open(w->a.p, w->now, s);
  SBT_CHECK(rc == SB_OK, "A session_open: %s", sb_err_name(rc));
  rc = sb_peer_session_open(w->b.p, w->now, w->b_s);
  SBT_CHECK(rc == SB_OK, "B session_open: %s", sb_err_name(rc));
  return true;
}

bool world_refuse(world *w, sb_peer_close_kind kind, int cause, const char *reason) {
  if (!w->a.opened) return false;
  sb_peer_session s = w->a.opened;
  w->a.opened = 0;
  int rc = sb_peer_session_closed(w->a.p, w->now, s, kind, cause, reason);
  SBT_CHECK(rc == SB_OK, "A session_closed: %s", sb_err_name(rc));
  return true;
}

void world_drop_wire(world *w) {
  while (w->wire_count) {
    free(w->wire[w->wire_head].bytes);
    w->wire[w->wire_head].bytes = NULL;
    w->wire_head = (w->wire_head + 1) % WORLD_WIRE_FRAMES;
    w->wire_count--;
  }
}

void world_pump(world *w) {
  while (w->wire_count) {
    wire_frame f = w->wire[w->wire_head];
    w->wire[w->wire_head].bytes = NULL;
    w->wire_head = (w->wire_head + 1) % WORLD_WIRE_FRAMES;
    w->wire_count--;
    sb_peer *to = f.to == 'A' ? w->a.p : (w->b_live ? w->b.p : NULL);
    if (to) {
      int rc = f.bytes ? sb_peer_session_recv(to, w->now, f.session, f.bytes, f.len)
                       : sb_peer_session_closed(to, w->now, f.session, SB_PEER_CLOSE_GRACEFUL, 0,
                                                NULL);
      SBT_CHECK(rc == SB_OK, "delivery to %c: %s", f.to, sb_err_name(rc));
    }
    if (!f.bytes && f.to == 'A' && f.session == w->a_s) w->a_s = 0;
    if (!f.bytes && f.to == 'B' && f.session == w->b_s) w->b_s = 0;
    free(f.bytes);
  }
}

void world_break(world *w, sb_peer_close_kind kind, int cause, const char *reason) {
  world_drop_wire(w);
  sb_peer_session a = w->a_s, b = w->b_s;
  w->a_s = w->b_s = 0;
  if (a) {
    int rc = sb_peer_session_closed(w->a.p, w->now, a, kind, cause, reason);
    SBT_CHECK(rc == SB_OK, "A session_closed: %s", sb_err_name(rc));
  }
  if (b && w->b_live) {
    int rc = sb_peer_session_closed(w->b.p, w->now, b, SB_PEER_CLOSE_GRACEFUL, 0, "transport closed");
    SBT_CHECK(rc == SB_OK, "B session_closed: %s", sb_err_name(rc));
  }
}

void world_advance(world *w, sb_time_us delta) {
  sb_time_us target = w->now + delta;
  for (int guard = 0; guard < 100000; guard++) {
    sb_time_us d = sb_peer_deadline(w->a.p);
    if (w->b_live && sb_peer_deadline(w->b.p) < d) d = sb_peer_deadline(w->b.p);
    if (d > target) {
      w->now = target;
      return;
    }
    if (d > w->now) w->now = d;
    int rc = sb_peer_timeout(w->a.p, w->now);
    SBT_CHECK(rc == SB_OK, "A timeout: %s", sb_err_name(rc));
    if (w->b_live) {
      rc = sb_peer_timeout(w->b.p, w->now);
      SBT_CHECK(rc == SB_OK, "B timeout: %s", sb_err_name(rc));
    }
    world_pump(w);
  }
  SBT_CHECK(false, "world_advance: deadlines do not move");
}

void world_signal_a(world *w, sb_peer_signal sig) {
  int rc = sb_peer_session_signal(w->a.p, w->now, w->a_s, sig);
  SBT_CHECK(rc == SB_OK, "A signal: %s", sb_err_name(rc));
}

void world_inject_a(world *w, const uint8_t *frame, size_t len) {
  int rc = sb_peer_session_recv(w->a.p, w->now, w->a_s, frame, len);
  SBT_CHECK(rc == SB_OK, "A recv: %s", sb_err_name(rc));
}

void world_inject_b(world *w, const uint8_t *frame, size_t len) {
  int rc = sb_peer_session_recv(w->b.p, w->now, w->b_s, frame, len);
  SBT_CHECK(rc == SB_OK, "B recv: %s", sb_err_name(rc));
}

static const uint8_t *sent(uint8_t *const *ring, const size_t *lens, size_t count, size_t back,
                           size_t *len) {
  if (back >= count || back >= 64) return NULL;
  size_t i = (count - 1 - back) % 64;
  *len = lens[i];
  return ring[i];
}

const uint8_t *world_sent_a(const world *w, size_t back, size_t *len) {
  return sent(w->a_sent, w->a_sent_len, w->a_sent_count, back, len);
}

const uint8_t *world_sent_b(const world *w, size_t back, size_t *len) {
  return sent(w->b_sent, w->b_sent_len, w->b_sent_count, back, len);
}

void world_connect(world *w) {
  int rc = sb_peer_connect(w->a.p, w->now);
  SBT_CHECK(rc == SB_OK, "connect: %s", sb_err_name(rc));
  SBT_CHECK(world_accept(w), "A asked for a session");
  world_pump(w);
}

world_node *world_node_of(world *w, const sb_peer *p) { return p == w->a.p ? &w->a : &w->b; }
