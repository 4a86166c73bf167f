/*
 * Links (one per WebSocket connection), their faults, the adversary on the
 * wire, and their capture (world.h).
 *
 * Each direction of a link is a list of messages in send order. A message
 * gets its delivery time when it is scheduled: now + latency + the link's
 * extra delay + a jitter draw from the opener's "jitter" stream, and never
 * earlier than the message scheduled before it, so a direction stays
 * ordered (WebSocket over TCP). A stalled direction schedules nothing; its
 * messages wait (and count as queued bytes) until it resumes. Only the
 * adversary breaks the order, on purpose (delay, reorder).
 */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "common/error.h"
#include "sim_internal.h"

/* ---- messages ---------------------------------------------------------------- */

/* A message and its bytes are one allocation (the bytes right after it). */
void sim_msg_free(sim_msg *m) { free(m); }

static sim_msg *msg_new(sim_link *l, int dir, sim_msg_kind kind, const uint8_t *bytes, size_t len) {
  sim_msg *m = sim_xmalloc(sizeof *m + (bytes ? len + 1 : 0));
  memset(m, 0, sizeof *m);
  m->link = l;
  m->dir = dir;
  m->kind = kind;
  if (bytes) {
    m->bytes = (uint8_t *)(m + 1);
    memcpy(m->bytes, bytes, len);
    m->bytes[len] = 0;
  }
  m->len = len;
  return m;
}

static void list_append(sim_link_dir *d, sim_msg *m) {
  m->next = NULL;
  if (d->tail)
    d->tail->next = m;
  else
    d->head = m;
  d->tail = m;
  if (m->kind == SIM_MSG_DATA) d->queued_bytes += m->len;
}

static void list_remove(sim_link_dir *d, sim_msg *m) {
  sim_msg *prev = NULL;
  for (sim_msg *p = d->head; p; prev = p, p = p->next) {
    if (p != m) continue;
    if (prev)
      prev->next = p->next;
    else
      d->head = p->next;
    if (d->tail == p) d->tail = prev;
    if (m->kind == SIM_MSG_DATA) d->queued_bytes -= m->len;
    m->next = NULL;
    return;
  }
}

static sb_time_us link_delay(sim_link *l, int dir) {
  sim_world *w = l->node->w;
  sb_time_us j = 0;
  if (w->cfg.jitter > 0)
    j = (sb_time_us)sim_stream_below(&l->node->rng_jitter, (uint64_t)w->cfg.jitter + 1);
  return w->cfg.latency + l->d[dir].extra_delay + j;
}

/* Give `m` its delivery time: ordered after the previous one, unless
 * `extra` (an adversary delay) is set, which lets later messages pass it. */
static void schedule(sim_link *l, sim_msg *m, sb_time_us extra) {
  sim_world *w = l->node->w;
  sim_link_dir *d = &l->d[m->dir];
  sb_time_us at = w->now + link_delay(l, m->dir);
  if (extra > 0) {
    at += extra;
  } else {
    if (at < d->last_at) at = d->last_at;
    d->last_at = at;
  }
  m->at = at;
  m->scheduled = true;
  sim_sched_push(&w->sched, at, sim_link_arrive, m, 0);
}

static void enqueue(sim_link *l, sim_msg *m, sb_time_us extra) {
  list_append(&l->d[m->dir], m);
  if (!l->d[m->dir].stalled) schedule(l, m, extra);
}

size_t sim_link_queued(const sim_link *l, int dir) { return l->d[dir].queued_bytes; }

bool sim_link_gone(const sim_link *l) { return !l || l->dead || (l->closed[0] && l->closed[1]); }

sim_link *sim_world_link(const sim_world *w, uint32_t id) {
  return id >= 1 && id <= w->nlinks ? w->links[id - 1] : NULL;
}

void sim_link_free(sim_link *l) {
  if (!l) return;
  for (int dir = 0; dir < 2; dir++) {
    sim_msg *m = l->d[dir].head;
    while (m) {
      sim_msg *next = m->next;
      if (!m->scheduled) sim_msg_free(m); /* scheduled ones belong to their event */
      m = next;
    }
  }
  free(l);
}

/* ---- capture ------------------------------------------------------------------ */

static const sb_rng *mask_rng(sim_link *l) { return &l->node->mask; }

static uint16_t opener_port(const sim_link *l) { return (uint16_t)(40000u + l->id % 20000u); }

/* The connection's TCP handshake and HTTP upgrade exchange (101 or a refusal). */
static void pcap_upgrade(sim_link *l, const char *token, int status) {
  sim_world *w = l->node->w;
  if (!w->pcap) return;
  uint64_t t = sim_world_pcap_time(w), before = w->pcap->packets;
  size_t tlen = strlen(token);
  char *target = sim_xmalloc(tlen + 16), *auth = sim_xmalloc(tlen + 32);
  /* AUTH-020: ?token= (the default); AUTH-021: Authorization: Bearer */
  if (l->bearer)
    snprintf(target, tlen + 16, "/");
  else
    snprintf(target, tlen + 16, "/?token=%s", token);
  snprintf(auth, tlen + 32, "Authorization: Bearer %s\r\n", token);
  if (status == 101) {
    sim_pcap_ws_options o = {.target = target, .headers = l->bearer ? auth : NULL};
    if (sim_pcap_ws_open(&l->ws, w->pcap, l->node->addr, opener_port(l), l->relay->addr,
                         SIM_CAPTURE_RELAY_PORT, &o, mask_rng(l), t) == 0)
      l->in_pcap = true;
  } else {
    sim_pcap_tcp tcp;
    if (sim_pcap_tcp_connect(&tcp, w->pcap, l->node->addr, opener_port(l), l->relay->addr,
                             SIM_CAPTURE_RELAY_PORT, 0, mask_rng(l), t) == 0) {
      uint8_t key[16];
      char key64[32];
      if (sb_rng_bytes(mask_rng(l), key, sizeof key) != 0) memset(key, 0, sizeof key);
      sodium_bin2base64(key64, sizeof key64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
      sim_buf req = {0};
      uint8_t mac[6];
      uint32_t ip;
      sim_pcap_node_addr(l->relay->addr, mac, &ip);
      sim_buf_printf(&req,
                     "GET %s HTTP/1.1\r\nHost: %u.%u.%u.%u:%u\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n%s\r\n",
                     target, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
                     SIM_CAPTURE_RELAY_PORT, key64, l->bearer ? auth : "");
      sim_pcap_tcp_send(&tcp, true, (const uint8_t *)req.s, req.len, t + 3);
      sim_buf_reset(&req);
      const char *reason = status == 401   ? "Unauthorized"
                           : status == 409 ? "Conflict"
                           : status == 429 ? "Too Many Requests"
                                           : "Service Unavailable";
      sim_buf_printf(&req, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                     status, reason);
      sim_pcap_tcp_send(&tcp, false, (const uint8_t *)req.s, req.len, t + 5);
      sim_pcap_tcp_close(&tcp, false, t + 7);
      sim_buf_free(&req);
    }
  }
  free(target);
  free(auth);
  sim_world_pcap_done(w, t, before);
}

static void pcap_message(sim_link *l, int dir, const uint8_t *bytes, size_t len) {
  sim_world *w = l->node->w;
  if (!w->pcap || !l->in_pcap) return;
  uint64_t t = sim_world_pcap_time(w), before = w->pcap->packets;
  sim_pcap_ws_send(&l->ws, dir == SIM_UP, SIM_WS_BINARY, bytes, len, t);
  sim_world_pcap_done(w, t, before);
}

static void pcap_close(sim_link *l, int dir, uint16_t code) {
  sim_world *w = l->node->w;
  if (!w->pcap || !l->in_pcap) return;
  uint64_t t = sim_world_pcap_time(w), before = w->pcap->packets;
  sim_pcap_ws_close(&l->ws, dir == SIM_UP, code ? code : 1005, t);
  l->in_pcap = false;
  sim_world_pcap_done(w, t, before);
}

/* ---- trace helpers ---------------------------------------------------------------- */

static sim_node *side_node(const sim_link *l, int side) { return side == 0 ? l->node : l->relay; }

static void trace_link(sim_link *l, int side, const char *what, int code) {
  sim_rec r = {.kind = SIM_REC_LINK,
               .node = side_node(l, side)->index,
               .peer = side_node(l, 1 - side)->index,
               .conn = l->id,
               .what = (char *)what,
               .code = code};
  sim_world_trace(l->node->w, &r);
}

static void trace_fault(sim_node *n, uint32_t conn, const char *what, const char *detail) {
  sim_rec r = {.kind = SIM_REC_FAULT, .node = n->index, .peer = -1, .conn = conn,
               .what = (char *)what, .text = (char *)detail};
  sim_world_trace(n->w, &r);
}

static void trace_frame(sim_link *l, int side, bool sent, const uint8_t *bytes, size_t len) {
  sim_rec r = {.kind = SIM_REC_FRAME,
               .node = side_node(l, side)->index,
               .peer = side_node(l, 1 - side)->index,
               .conn = l->id,
               .sent = sent,
               .bytes = (uint8_t *)bytes,
               .len = len};
  sim_world_trace(l->node->w, &r);
}

/* A short description of a frame for fault records: "Data sid=... seq=3". */
static void describe(const uint8_t *bytes, size_t len, sim_buf *out) {
  sim_frame_info fi;
  sim_frame_describe(bytes, len, &fi);
  if (fi.type_name)
    sim_buf_printf(out, "%s", fi.type_name);
  else
    sim_buf_printf(out, "type 0x%02x", fi.type);
  if (fi.header_ok) sim_buf_printf(out, " sid=%016llx", (unsigned long long)fi.sid);
  if (fi.has_seq) sim_buf_printf(out, " seq=%llu", (unsigned long long)fi.seq);
  sim_buf_printf(out, " (%zu bytes)", len);
}

/* ---- opening, delivering, closing ---------------------------------------------------- */

sim_link *sim_link_open(sim_node *n, const char *token) {
  sim_world *w = n->w;
  sim_link *l = sim_xmalloc(sizeof *l);
  memset(l, 0, sizeof *l);
  if (w->nlinks == w->links_cap) {
    w->links_cap = w->links_cap ? 2 * w->links_cap : 16;
    w->links = sim_xrealloc(w->links, w->links_cap * sizeof *w->links);
  }
  w->links[w->nlinks++] = l;
  l->id = (uint32_t)w->nlinks;
  l->node = n;
  l->relay = w->relay;
  l->state = SIM_LINK_CONNECTING;
  l->d[0].stalled = l->d[1].stalled = n->partitioned;
  trace_link(l, 0, "connect", 0);
  size_t tlen = strlen(token);
  enqueue(l, msg_new(l, SIM_UP, SIM_MSG_UPGRADE, (const uint8_t *)token, tlen), 0);
  return l;
}

/* The relay learns that a link ended (scheduled, so never inside a machine call). */
static void relay_learns_end(sim_world *w, void *obj, uint64_t unused) {
  (void)w;
  (void)unused;
  sim_link *l = obj;
  if (l->relay_told) return;
  l->relay_told = true;
  l->closed[1] = true;
  sim_node_link_ended(l, 1);
}

void sim_link_arrive(sim_world *w, void *obj, uint64_t unused) {
  (void)unused;
  sim_msg *m = obj;
  sim_link *l = m->link;
  if (m->dead) {
    sim_msg_free(m);
    return;
  }
  list_remove(&l->d[m->dir], m);
  int side = m->dir == SIM_UP ? 1 : 0; /* the receiving side */
  if (l->closed[side]) {               /* it closed: late messages are lost */
    sim_msg_free(m);
    return;
  }
  switch (m->kind) {
    case SIM_MSG_UPGRADE: {
      sim_msg *resp = msg_new(l, SIM_DOWN, SIM_MSG_RESPONSE, NULL, 0);
      enqueue(l, resp, 0); /* first on the way back, before any frame the relay sends */
      l->relay_accepted = true; /* while the relay decides, its sends and closes apply */
      int status = sim_node_upgrade(l, (const char *)m->bytes);
      resp->code = status;
      pcap_upgrade(l, (const char *)m->bytes, status);
      if (status != 101) {
        l->relay_accepted = false;
        l->closed[1] = true;
        l->state = SIM_LINK_REJECTED;
      }
      break;
    }
    case SIM_MSG_RESPONSE:
      if (m->code == 101) {
        if (l->state == SIM_LINK_CONNECTING) l->state = SIM_LINK_OPEN;
        trace_link(l, 0, "open", 101);
      } else {
        l->closed[0] = true;
        l->state = SIM_LINK_REJECTED;
        trace_link(l, 0, "refused", m->code);
      }
      sim_node_response(l, m->code);
      break;
    case SIM_MSG_DATA:
      trace_frame(l, side, false, m->bytes, m->len);
      pcap_message(l, m->dir, m->bytes, m->len);
      sim_node_data(l, m->dir, m->bytes, m->len);
      break;
    case SIM_MSG_CLOSE:
      l->closed[side] = true;
      l->state = SIM_LINK_CLOSED;
      if (!l->close_sent) pcap_close(l, m->dir, (uint16_t)m->code);
      l->close_sent = true;
      trace_link(l, side, "closed", m->code);
      sim_node_link_ended(l, side);
      break;
  }
  (void)w;
  sim_msg_free(m);
}

void sim_link_close(sim_link *l, int side, uint16_t code) {
  if (l->closed[side]) return;
  l->closed[side] = true;
  trace_link(l, side, "close", code);
  int other = 1 - side;
  if (!l->closed[other] && !l->dead) {
    sim_msg *m = msg_new(l, side == 0 ? SIM_UP : SIM_DOWN, SIM_MSG_CLOSE, NULL, 0);
    m->code = code;
    enqueue(l, m, 0);
  } else {
    l->state = SIM_LINK_CLOSED;
  }
  /* The relay is told of every end of its connections, its own closes
   * included ("either side", relay.h); the opener's machine closed it itself. */
  if (side == 1 && l->relay_accepted)
    sim_sched_push(&l->node->w->sched, l->node->w->now, relay_learns_end, l, 0);
}

/* Forget every undelivered message of `l`. */
static void kill_messages(sim_link *l) {
  for (int dir = 0; dir < 2; dir++) {
    sim_msg *m = l->d[dir].head;
    while (m) {
      sim_msg *next = m->next;
      if (m->scheduled)
        m->dead = true; /* its event frees it */
      else
        sim_msg_free(m);
      m = next;
    }
    l->d[dir].head = l->d[dir].tail = NULL;
    l->d[dir].queued_bytes = 0;
  }
}

void sim_link_drop(sim_link *l, const char *why, bool tell_opener) {
  if (sim_link_gone(l)) return;
  sim_world *w = l->node->w;
  kill_messages(l);
  trace_fault(l->node, l->id, "drop", why);
  l->state = SIM_LINK_CLOSED;
  l->dead = true;
  /* The relay still believes in the connection until it learns of the loss;
   * what it sends meanwhile is lost. */
  if (l->relay_accepted && !l->closed[1])
    sim_sched_push(&w->sched, w->now + w->cfg.latency, relay_learns_end, l, 0);
  else
    l->closed[1] = true;
  if (!l->closed[0]) {
    l->closed[0] = true;
    if (tell_opener) sim_node_link_ended(l, 0);
  }
}

/* ---- the adversary ------------------------------------------------------------------- */

static bool wire_matches(const sim_wire_match *m, const uint8_t *bytes, size_t len) {
  if (m->type >= 0 && (len < 1 || bytes[0] != (uint8_t)m->type)) return false;
  if (m->has_sid) {
    sim_frame_info fi;
    sim_frame_describe(bytes, len, &fi);
    if (!fi.header_ok || fi.sid != m->sid) return false;
  }
  return true;
}

/* The first SIM_WIRE_KEEP_FIRST frames stay; after them a ring keeps the latest. */
static void seen_add(sim_wire_seen *s, const uint8_t *bytes, size_t len) {
  s->total++;
  if (s->n < SIM_WIRE_KEEP_FIRST) {
    if (s->n == s->cap) {
      s->cap = s->cap ? 2 * s->cap : 16;
      s->frames = sim_xrealloc(s->frames, s->cap * sizeof *s->frames);
      s->lens = sim_xrealloc(s->lens, s->cap * sizeof *s->lens);
    }
    s->frames[s->n] = memcpy(sim_arena_alloc(&s->mem, len), bytes, len);
    s->lens[s->n++] = len;
    return;
  }
  if (!s->ring) {
    s->ring = sim_xmalloc(SIM_WIRE_KEEP_LAST * sizeof *s->ring);
    memset(s->ring, 0, SIM_WIRE_KEEP_LAST * sizeof *s->ring);
  }
  sim_wire_slot *slot = &s->ring[s->ring_next];
  if (len > slot->cap || !slot->bytes) {
    slot->cap = len > 64 ? len : 64;
    free(slot->bytes);
    slot->bytes = sim_xmalloc(slot->cap);
  }
  if (len) memcpy(slot->bytes, bytes, len);
  slot->len = len;
  s->ring_next = (s->ring_next + 1) % SIM_WIRE_KEEP_LAST;
  if (s->ring_n < SIM_WIRE_KEEP_LAST) s->ring_n++;
}

/* Kept frame k (0 = the oldest kept) of the ring. */
static const sim_wire_slot *ring_at(const sim_wire_seen *s, size_t k) {
  return &s->ring[(s->ring_next + SIM_WIRE_KEEP_LAST - s->ring_n + k) % SIM_WIRE_KEEP_LAST];
}

int sim_wire_find(const sim_node *n, int dir, const sim_wire_match *m, int64_t nth, const uint8_t **bytes,
                  size_t *len) {
  const sim_wire_seen *s = &n->seen[dir];
  bool gap = s->total > s->n + s->ring_n; /* frames between the first and the latest ones are gone */
  uint64_t want = nth > 0 ? (uint64_t)nth : nth < 0 ? (uint64_t)0 - (uint64_t)nth : 0, hits = 0;
  if (nth > 0) {
    for (size_t i = 0; i < s->n; i++)
      if (wire_matches(m, s->frames[i], s->lens[i]) && ++hits == want) {
        *bytes = s->frames[i];
        *len = s->lens[i];
        return 0;
      }
    for (size_t k = 0; !gap && k < s->ring_n; k++) {
      const sim_wire_slot *f = ring_at(s, k);
      if (wire_matches(m, f->bytes, f->len) && ++hits == want) {
        *bytes = f->bytes;
        *len = f->len;
        return 0;
      }
    }
  } else if (nth < 0) {
    for (size_t k = s->ring_n; k-- > 0;) {
      const sim_wire_slot *f = ring_at(s, k);
      if (wire_matches(m, f->bytes, f->len) && ++hits == want) {
        *bytes = f->bytes;
        *len = f->len;
        return 0;
      }
    }
    for (size_t i = s->n; !gap && i-- > 0;)
      if (wire_matches(m, s->frames[i], s->lens[i]) && ++hits == want) {
        *bytes = s->frames[i];
        *len = s->lens[i];
        return 0;
      }
  }
  if (gap && nth != 0) {
    snprintf(n->w->err, sizeof n->w->err,
             "frame #%lld of that kind on %s's wire may be one it no longer keeps: a wire keeps its "
             "first %d and its latest %d frames (%llu seen; scenarios/README.md, \"Long runs\")",
             (long long)nth, n->name, SIM_WIRE_KEEP_FIRST, SIM_WIRE_KEEP_LAST, (unsigned long long)s->total);
    return SB_ERR_RANGE;
  }
  if (nth == 0) { /* count them all for the message */
    hits = 0;
    for (size_t i = 0; i < s->n; i++) hits += wire_matches(m, s->frames[i], s->lens[i]);
    for (size_t k = 0; k < s->ring_n; k++) hits += wire_matches(m, ring_at(s, k)->bytes, ring_at(s, k)->len);
  }
  snprintf(n->w->err, sizeof n->w->err, "no frame #%lld of that kind was seen on %s's wire (%llu seen)",
           (long long)nth, n->name, (unsigned long long)hits);
  return SB_ERR_NOT_FOUND;
}

/* Held frames (reorder) go out once another frame has passed. */
static void release_held(sim_node *n, int dir, const sim_wire_rule *except) {
  for (sim_wire_rule *r = n->rules[dir]; r; r = r->next) {
    if (r == except || !r->held) continue;
    sim_msg *m = r->held;
    r->held = NULL;
    sim_link *l = m->link;
    if (l->closed[dir == SIM_UP ? 0 : 1] || l->closed[dir == SIM_UP ? 1 : 0]) {
      sim_msg_free(m);
      continue;
    }
    enqueue(l, m, 0);
  }
}

static const char *const action_names[] = {"duplicate", "drop", "corrupt", "delay", "reorder"};

void sim_link_send(sim_link *l, int dir, const uint8_t *bytes, size_t len, bool crafted) {
  int side = dir == SIM_UP ? 0 : 1;
  sim_node *sender = side_node(l, side);
  if (l->closed[side]) {
    sim_node_note(sender, "send_on_closed", 0, "a frame sent on a connection this side closed: not sent");
    return;
  }
  if (crafted) {
    if (!l->dead) enqueue(l, msg_new(l, dir, SIM_MSG_DATA, bytes, len), 0);
    return;
  }
  trace_frame(l, side, true, bytes, len);
  if (l->dead) return; /* into a connection that is gone: lost */
  sim_node *n = l->node; /* the wire belongs to the opener's side */
  seen_add(&n->seen[dir], bytes, len);
  sim_msg *m = msg_new(l, dir, SIM_MSG_DATA, bytes, len);
  bool drop = false;
  sim_wire_rule *hold = NULL;
  uint32_t copies = 0;
  sb_time_us extra = 0;
  sim_buf detail = {0};
  for (sim_wire_rule *r = n->rules[dir]; r; r = r->next) {
    if (!wire_matches(&r->match, m->bytes, m->len)) continue;
    if (r->skip) {
      r->skip--;
      continue;
    }
    if (r->count && r->done >= r->count) continue;
    r->done++;
    sim_buf_reset(&detail);
    describe(m->bytes, m->len, &detail);
    switch (r->action) {
      case SIM_WIRE_DUPLICATE:
        copies += r->copies ? r->copies : 1;
        break;
      case SIM_WIRE_DROP:
        drop = true;
        break;
      case SIM_WIRE_CORRUPT: {
        int64_t off = r->offset < 0 ? (int64_t)m->len + r->offset : r->offset;
        if (off >= 0 && (uint64_t)off < m->len) {
          m->bytes[off] ^= r->mask ? r->mask : 0x01;
          sim_buf_printf(&detail, ": byte %lld ^= 0x%02x", (long long)off, r->mask ? r->mask : 1);
        } else {
          sim_buf_printf(&detail, ": offset %lld outside the frame, unchanged", (long long)r->offset);
        }
        break;
      }
      case SIM_WIRE_DELAY: {
        char d[32];
        extra += r->delay;
        sim_duration_format(r->delay, d, sizeof d);
        sim_buf_printf(&detail, ": +%s", d);
        break;
      }
      case SIM_WIRE_REORDER:
        if (!hold && !r->held) hold = r;
        break;
    }
    trace_fault(n, l->id, action_names[r->action], detail.s);
  }
  sim_buf_free(&detail);
  if (drop) {
    sim_msg_free(m);
    return;
  }
  if (hold) {
    hold->held = m;
    return;
  }
  enqueue(l, m, extra);
  release_held(n, dir, NULL);
  for (uint32_t i = 0; i < copies; i++) enqueue(l, msg_new(l, dir, SIM_MSG_DATA, m->bytes, m->len), extra);
}

/* ---- faults on nodes --------------------------------------------------------------------- */

static sim_link *current_link(sim_node *n) {
  sim_link *l = n->link;
  if (sim_link_gone(l)) {
    snprintf(n->w->err, sizeof n->w->err, "%s has no open connection", n->name);
    return NULL;
  }
  return l;
}

static void set_stall(sim_link *l, int dir, bool stalled) {
  sim_link_dir *d = &l->d[dir];
  if (d->stalled == stalled) return;
  d->stalled = stalled;
  if (stalled) return;
  for (sim_msg *m = d->head; m; m = m->next)
    if (!m->scheduled) schedule(l, m, 0);
}

int sim_node_stall(sim_node *n, int dir, bool stalled) {
  sim_link *l = current_link(n);
  if (!l) return SB_ERR_STATE;
  for (int d = 0; d < 2; d++)
    if (dir < 0 || dir == d) set_stall(l, d, stalled);
  trace_fault(n, l->id, stalled ? "stall" : "unstall",
              dir < 0 ? "both directions" : dir == SIM_UP ? "to the relay" : "from the relay");
  return 0;
}

int sim_node_delay(sim_node *n, int dir, sb_time_us extra) {
  sim_link *l = current_link(n);
  if (!l) return SB_ERR_STATE;
  char d[32];
  sim_duration_format(extra, d, sizeof d);
  for (int k = 0; k < 2; k++)
    if (dir < 0 || dir == k) l->d[k].extra_delay = extra;
  trace_fault(n, l->id, "delay", d);
  return 0;
}

int sim_node_partition(sim_node *n, bool drop) {
  if (n->kind != SIM_CLIENT && n->kind != SIM_DAEMON) {
    snprintf(n->w->err, sizeof n->w->err, "only clients and daemons can be partitioned");
    return SB_ERR_ARG;
  }
  n->partitioned = true;
  trace_fault(n, 0, "partition", drop ? "connections drop, new ones wait" : "connections stall");
  sim_link *l = n->link;
  if (!sim_link_gone(l)) {
    if (drop) {
      sim_link_drop(l, "partition", true);
    } else {
      set_stall(l, 0, true);
      set_stall(l, 1, true);
    }
  }
  return 0;
}

int sim_node_heal(sim_node *n) {
  n->partitioned = false;
  trace_fault(n, 0, "heal", "connections flow again");
  for (size_t i = 0; i < n->w->nlinks; i++) {
    sim_link *l = n->w->links[i];
    if (l->node != n) continue;
    set_stall(l, 0, false);
    set_stall(l, 1, false);
  }
  return 0;
}

int sim_wire_add(sim_node *n, int dir, const sim_wire_rule *rule) {
  sim_wire_rule *r = sim_xmalloc(sizeof *r);
  *r = *rule;
  r->next = NULL;
  r->done = 0;
  r->held = NULL;
  sim_wire_rule **p = &n->rules[dir];
  while (*p) p = &(*p)->next;
  *p = r;
  return 0;
}

void sim_wire_clear(sim_node *n, int dir) {
  release_held(n, dir, NULL);
  sim_wire_rule *r = n->rules[dir];
  while (r) {
    sim_wire_rule *next = r->next;
    free(r);
    r = next;
  }
  n->rules[dir] = NULL;
}

int sim_wire_inject(sim_node *n, int dir, const uint8_t *bytes, size_t len) {
  sim_link *l = current_link(n);
  if (!l) return SB_ERR_STATE;
  if (l->closed[dir == SIM_UP ? 0 : 1]) {
    snprintf(n->w->err, sizeof n->w->err, "%s's connection is closed on that side", n->name);
    return SB_ERR_STATE;
  }
  sim_buf d = {0};
  describe(bytes, len, &d);
  trace_fault(n, l->id, dir == SIM_UP ? "inject_up" : "inject_down", d.s);
  sim_buf_free(&d);
  sim_link_send(l, dir, bytes, len, true);
  return 0;
}

int sim_wire_replay(sim_node *n, int dir, const sim_wire_match *m, int64_t nth) {
  const uint8_t *bytes = NULL;
  size_t len = 0;
  int rc = sim_wire_find(n, dir, m, nth, &bytes, &len);
  if (rc != 0) return rc;
  sim_link *l = current_link(n);
  if (!l) return SB_ERR_STATE;
  /* A copy: sending adds the frame to this wire's history, which may reuse its slot. */
  uint8_t *copy = memcpy(sim_xmalloc(len), bytes, len);
  sim_buf d = {0};
  describe(copy, len, &d);
  trace_fault(n, l->id, "replay", d.s);
  sim_buf_free(&d);
  sim_link_send(l, dir, copy, len, true);
  free(copy);
  return 0;
}

void sim_wire_free_all(sim_node *n) {
  for (int dir = 0; dir < 2; dir++) {
    sim_wire_rule *r = n->rules[dir];
    while (r) {
      sim_wire_rule *next = r->next;
      sim_msg_free(r->held);
      free(r);
      r = next;
    }
    n->rules[dir] = NULL;
    sim_wire_seen *s = &n->seen[dir];
    sim_arena_free(&s->mem);
    free(s->frames);
    free(s->lens);
    for (size_t k = 0; s->ring && k < SIM_WIRE_KEEP_LAST; k++) free(s->ring[k].bytes);
    free(s->ring);
    memset(s, 0, sizeof *s);
  }
}
