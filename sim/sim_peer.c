/*
 * The peer runtime in the simulator (sim_peer.h): SBP peers on the world's
 * clock, over plain simulated WebSockets or inside SBRP sessions, the layer
 * invariant, and the "sbp" / "peer" trace records.
 *
 * Driving logic follows ref/peer/world_test.c (connect, accept, pump frames,
 * advance the clock); here frames travel through the scheduler with the
 * world's latency, and the SBRP layer below is the reference machines.
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_peer.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "sim_internal.h"

/* ---- structures ------------------------------------------------------------------ */

typedef struct sim_call {
  char tag[SIM_PEER_TAG_MAX];
  char method[SB_PEER_METHOD_MAX_BYTES + 1];
  sb_time_us started;
} sim_call;

typedef struct hctx {
  sim_peer_inst *inst;
  int slot;
} hctx;

typedef struct sim_pending_req {
  sim_peer_inst *inst;
  char method[SB_PEER_METHOD_MAX_BYTES + 1];
  uint8_t cid[SB_RPC_CID_BYTES];
  bool done;
} sim_pending_req;

/* A reply a handler answers later (its `delay`, or sim_peer_reply). */
typedef struct sim_delayed {
  sim_peer_inst *inst;
  uint8_t cid[SB_RPC_CID_BYTES];
  sim_handler_spec spec;
  cJSON *params; /* ECHO */
  bool done;
} sim_delayed;

struct sim_peer_inst {
  sim_node *node;
  uint32_t index; /* accepted: 1, 2, ...; client: 0 */
  bool raw;
  sb_peer *p;
  sb_xoshiro x;
  uint8_t last_draw[8];
  bool drew;
  uint8_t *frame_buf;
  sb_peer_session session; /* client: the session the transport serves; accepted: index */
  uint64_t sid;            /* SBRP SessionID (accepted over a daemon; client: current) */
  sim_pipe *pipe;          /* plain connection */
  bool raw_state_open, raw_connecting, raw_closed;
  bool closing;            /* io.close in progress: SBRP reports are ours */
  /* timer */
  bool timer_armed;
  sb_time_us timer_at;
  uint64_t timer_gen;
  /* calls */
  sim_call *calls;
  size_t ncalls, calls_cap;
  /* handler / subscription registrations of this machine, by node slot */
  hctx hc[SIM_PEER_MAX_HANDLERS];
  uint32_t hid[SIM_PEER_MAX_HANDLERS];
  hctx sc[SIM_PEER_MAX_SUBS];
  uint32_t sid_of_sub[SIM_PEER_MAX_SUBS];
  size_t cursor[SIM_PEER_CURSORS]; /* expectations (lua_peer.c) */
  char remote_id[256];
  bool accept_settled;
  bool check_dup; /* accepted just now: the server checks its peerId (PEER-SRV-005) */
};

typedef struct sim_handler_slot {
  bool used;
  uint32_t id;
  char method[SB_PEER_METHOD_MAX_BYTES + 1];
  sim_handler_spec spec;
} sim_handler_slot;

typedef struct sim_sub_slot {
  bool used;
  bool retired; /* unsubscribed, slot not reused yet: a second off() reaches the machines again */
  uint32_t id;
  bool pattern, throws;
  char text[SB_EVENTS_PATTERN_MAX_BYTES + 1];
} sim_sub_slot;

typedef enum item_kind { IT_OPEN, IT_CHANNEL, IT_FRAME, IT_SIGNAL, IT_CLOSED, IT_ACCEPT } item_kind;

typedef struct item {
  item_kind k;
  uint64_t sid;
  uint32_t session;
  int sig;
  int close_kind;
  int cause;
  char reason[160];
  uint8_t *bytes;
  size_t len;
} item;

struct sim_peer_node {
  sim_node *node;
  bool server, raw;
  sim_node *via;    /* SBRP client / daemon */
  sim_node *target; /* plain client: the server */
  sb_peer_config cfg;
  char peer_id[256];
  cJSON *caps, *metadata;
  bool closed_server; /* server:close() */
  sim_peer_inst *client;
  sim_peer_inst **acc;
  uint32_t nacc;
  sim_handler_slot handlers[SIM_PEER_MAX_HANDLERS];
  uint32_t next_handler_id;
  sim_sub_slot subs[SIM_PEER_MAX_SUBS];
  uint32_t next_sub_id;
  sim_pending_req *pending;
  size_t npending, pending_cap;
  sim_delayed *delayed;
  size_t ndelayed, delayed_cap;
  item *q;
  size_t qhead, qn, qcap;
  size_t cursor[SIM_PEER_CURSORS]; /* a server's "any accepted peer" */
  bool drain_pending;
  uint64_t drain_gen;
  /* plain server transport limits (SBP-BEH-005) */
  uint32_t max_message;
  sb_time_us idle_timeout;
  /* lifecycle listeners that throw (PEER-SM-014) */
  char throws[8][24];
  int nthrows;
  /* driven from outside (sim_router.c) */
  sim_peer_driver driver;
  sim_peer_inst **out; /* client-side connections of a driven node */
  uint32_t nout;
};

typedef enum pmsg_kind { PM_UPGRADE, PM_OPEN, PM_REFUSE, PM_DATA, PM_CLOSE } pmsg_kind;

typedef struct pmsg {
  struct pmsg *next;
  pmsg_kind k;
  uint8_t *bytes;
  size_t len;
  uint64_t index;
  int code; /* PM_CLOSE: the WebSocket close code */
} pmsg;

struct sim_pipe {
  uint32_t id;
  sim_peer_inst *client;
  sim_node *server_node;
  sim_peer_inst *server;
  sb_peer_session session; /* the client session it serves */
  bool dead, closed[2];
  sb_time_us last_at[2];
  pmsg *head[2], *tail[2];
  uint64_t sent[2];
  sb_time_us last_rx; /* server side: the latest message from the client (idle timeout) */
  uint64_t idle_gen;
};

/* The layer invariant's table: one entry per (session or pipe, direction,
 * sequence) sealed and not yet retired. The plaintexts themselves are kept
 * (compared byte for byte at delivery: cheaper than hashing); an entry is
 * retired INV_DELIVERED_KEEP deliveries after its frame was delivered (a
 * second delivery until then is still checked), or once its stream has
 * delivered INV_HORIZON numbers past it (no receive window reaches back that
 * far: SB_CONFIG_REPLAY_MAX_WINDOW; pipes deliver in order), so a long run
 * keeps about what is in flight. */
#define INV_INLINE 64
#define INV_VERSIONS 4
#define INV_DELIVERED_KEEP 4096u
#define INV_HORIZON ((uint64_t)2 * SB_CONFIG_REPLAY_MAX_WINDOW)

typedef struct inv_entry {
  bool used;
  bool delivered;  /* delivered at least once since its latest version was sent */
  uint8_t nv;      /* versions sent under this key: normally one; a sender that
                    * forges or reuses a sequence number (sim_node_forge_data) adds
                    * more (at most INV_VERSIONS: the latest replaces the last) */
  int sender;
  uint32_t b;      /* direction | (pipe ? 4 : 0) */
  uint64_t a;      /* sid, or pipe id */
  uint64_t seq;
  uint64_t dticket; /* which delivery retires it (delivered) */
  size_t len[INV_VERSIONS];
  uint8_t *v[INV_VERSIONS]; /* v[0] may point at small[] */
  uint8_t small[INV_INLINE];
} inv_entry;

/* Per stream (a, b): the highest sequence number delivered. */
typedef struct inv_stream {
  bool used;
  uint32_t b;
  uint64_t a, max;
} inv_stream;

typedef struct inv_key {
  uint64_t a, seq, ticket;
  uint32_t b;
} inv_key;

typedef struct sim_peer_world {
  sim_pipe **pipes;
  size_t npipes, pipes_cap;
  inv_entry *inv;
  size_t inv_cap, inv_n;
  inv_stream *streams;
  size_t streams_cap, streams_n, stream_last; /* stream_last: the latest one used */
  inv_key *retire;  /* ring of the latest INV_DELIVERED_KEEP deliveries */
  uint64_t tickets; /* deliveries so far */
  uint64_t checked;
} sim_peer_world;

enum { DIR_C2D = 1, DIR_D2C = 2, DIR_PIPE = 4 };

/* ---- small helpers ------------------------------------------------------------------ */

static sim_peer_world *PW(sim_world *w) {
  if (!w->peers) w->peers = calloc(1, sizeof(sim_peer_world));
  if (!w->peers) abort();
  return w->peers;
}

sim_peer_node *sim_peer_of(const sim_node *n) { return n ? n->peer : NULL; }

static const char *err_label(int err) {
  if (!err) return NULL;
  const char *c = sb_peer_error_code(err);
  return c ? c : sb_err_name(err);
}

static char *json_text(const cJSON *v) { return v ? cJSON_PrintUnformatted(v) : NULL; }

static void trace_peer(sim_peer_inst *i, const char *what, const char *name, const char *tag, int err,
                       const char *text, const cJSON *value) {
  char *json = json_text(value);
  sim_rec r = {.kind = SIM_REC_PEER, .node = i->node->index, .peer = -1, .what = (char *)what,
               .name = (char *)name, .tag = (char *)tag, .code = err, .text = (char *)text,
               .json = json, .has_num = i->index != 0 || i->session != 0,
               .num = i->index ? (int64_t)i->index : (int64_t)i->session,
               .has_sid = i->sid != 0, .sid = i->sid};
  sim_world_trace(i->node->w, &r);
  cJSON_free(json);
}

static void trace_sbp(sim_peer_inst *i, bool sent, const uint8_t *bytes, size_t len) {
  sim_peer_node *pn = i->node->peer;
  int other = -1;
  uint32_t conn = 0;
  if (i->pipe) {
    conn = i->pipe->id;
    other = i->index ? i->pipe->client->node->index : i->pipe->server_node->index;
  } else if (pn->via) {
    other = pn->via->index;
    conn = pn->via->link ? pn->via->link->id : 0;
  }
  sim_rec r = {.kind = SIM_REC_SBP, .node = i->node->index, .peer = other, .conn = conn, .sent = sent,
               .bytes = (uint8_t *)bytes, .len = len, .has_sid = i->sid != 0, .sid = i->sid,
               .has_num = true, .num = i->index ? (int64_t)i->index : (int64_t)i->session};
  sim_world_trace(i->node->w, &r);
}

/* The "sid" of an instance's transitions and notes: an accepted peer's
 * SBRP SessionID, or its number on a plain server; none for a client peer
 * (one machine per node). */
static bool inst_sid(const sim_peer_inst *i, uint64_t *sid) {
  *sid = i->sid ? i->sid : i->index;
  return i->index != 0;
}

static void peer_note(sim_peer_inst *i, const char *machine, const char *what, int err, const char *text) {
  uint64_t sid = 0;
  bool has = inst_sid(i, &sid);
  sim_rec r = {.kind = SIM_REC_NOTE, .node = i->node->index, .peer = -1, .machine = (char *)machine,
               .has_sid = has, .sid = sid, .what = (char *)what, .code = err, .text = (char *)text};
  sim_world_trace(i->node->w, &r);
}

static void trace_link(sim_node *n, sim_node *other, uint32_t conn, const char *what, int code,
                       const char *err) {
  sim_rec r = {.kind = SIM_REC_LINK, .node = n->index, .peer = other ? other->index : -1, .conn = conn,
               .what = (char *)what, .code = code, .text = (char *)err};
  sim_world_trace(n->w, &r);
}

/* The rng of an instance: a seeded stream that remembers its last 8-byte
 * draw, so the trace can show the jitter draw behind each backoff. */
static int inst_fill(void *state, uint8_t *out, size_t len) {
  sim_peer_inst *i = state;
  sb_rng inner = sb_xoshiro_rng(&i->x);
  int rc = sb_rng_bytes(&inner, out, len);
  if (rc == 0 && len == 8) {
    memcpy(i->last_draw, out, 8);
    i->drew = true;
  }
  return rc;
}

/* ---- the layer invariant ----------------------------------------------------------- */

static uint64_t inv_hash(uint64_t a, uint32_t b, uint64_t seq) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (seq + 0x632BE59BD9B4E019ull + ((uint64_t)b << 56));
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 29);
}

static void inv_entry_clear(inv_entry *e) {
  for (uint8_t k = 0; k < e->nv; k++)
    if (e->v[k] != e->small) free(e->v[k]);
  memset(e, 0, sizeof *e);
}

/* Store version k of an entry. */
static void inv_put(inv_entry *e, uint8_t k, const uint8_t *data, size_t len) {
  if (k < e->nv && e->v[k] != e->small) free(e->v[k]);
  e->v[k] = k == 0 && len <= INV_INLINE ? e->small : sim_xmalloc(len);
  if (len) memcpy(e->v[k], data, len);
  e->len[k] = len;
}

static size_t inv_find(const sim_peer_world *pw, uint64_t a, uint32_t b, uint64_t seq) {
  size_t mask = pw->inv_cap - 1, j = inv_hash(a, b, seq) & mask;
  while (pw->inv[j].used) {
    if (pw->inv[j].a == a && pw->inv[j].b == b && pw->inv[j].seq == seq) return j;
    j = (j + 1) & mask;
  }
  return SIZE_MAX;
}

/* Remove slot j (linear probing: later entries of its run move back). */
static void inv_remove(sim_peer_world *pw, size_t j) {
  size_t mask = pw->inv_cap - 1;
  inv_entry_clear(&pw->inv[j]);
  pw->inv_n--;
  for (size_t k = (j + 1) & mask; pw->inv[k].used; k = (k + 1) & mask) {
    size_t home = inv_hash(pw->inv[k].a, pw->inv[k].b, pw->inv[k].seq) & mask;
    /* k's entry may fill the hole at j unless its home lies cyclically in (j, k] */
    if (j <= k ? (home > j && home <= k) : (home > j || home <= k)) continue;
    pw->inv[j] = pw->inv[k];
    memset(&pw->inv[k], 0, sizeof pw->inv[k]);
    if (pw->inv[j].v[0] == pw->inv[k].small) pw->inv[j].v[0] = pw->inv[j].small;
    j = k;
  }
}

/* Move the entries of `old` (cap `n`) into the table of pw (already sized, empty). */
static void inv_rehash(sim_peer_world *pw, inv_entry *old, size_t n) {
  size_t mask = pw->inv_cap - 1;
  for (size_t k = 0; k < n; k++) {
    if (!old[k].used) continue;
    size_t j = inv_hash(old[k].a, old[k].b, old[k].seq) & mask;
    while (pw->inv[j].used) j = (j + 1) & mask;
    pw->inv[j] = old[k];
    if (old[k].v[0] == old[k].small) pw->inv[j].v[0] = pw->inv[j].small;
  }
}

static inv_stream *inv_stream_of(sim_peer_world *pw, uint64_t a, uint32_t b, bool create);

/* Before the table grows: retire entries their stream went INV_HORIZON past
 * (those frames can no longer be delivered); grow only if that freed little. */
static void inv_make_room(sim_peer_world *pw) {
  if ((pw->inv_n + 1) * 2 <= pw->inv_cap) return;
  size_t before = pw->inv_n;
  for (size_t k = 0; k < pw->inv_cap; k++) {
    inv_entry *e = &pw->inv[k];
    if (!e->used || e->delivered) continue;
    inv_stream *st = inv_stream_of(pw, e->a, e->b, false);
    if (st && st->max >= INV_HORIZON && e->seq <= st->max - INV_HORIZON) {
      inv_entry_clear(e);
      pw->inv_n--;
    }
  }
  size_t cap = pw->inv_cap ? pw->inv_cap : 1024;
  if (pw->inv_cap && (before - pw->inv_n) * 4 < pw->inv_cap) cap *= 2; /* freed under a quarter: grow */
  inv_entry *old = pw->inv;
  size_t old_cap = pw->inv_cap;
  pw->inv = calloc(cap, sizeof *pw->inv);
  if (!pw->inv) abort();
  pw->inv_cap = cap;
  inv_rehash(pw, old, old_cap);
  free(old);
}

static inv_stream *inv_stream_of(sim_peer_world *pw, uint64_t a, uint32_t b, bool create) {
  if (pw->streams_cap) {
    inv_stream *last = &pw->streams[pw->stream_last];
    if (last->used && last->a == a && last->b == b) return last;
  }
  if (create && (pw->streams_n + 1) * 2 > pw->streams_cap) {
    size_t cap = pw->streams_cap ? pw->streams_cap * 2 : 64;
    inv_stream *t = calloc(cap, sizeof *t);
    if (!t) abort();
    for (size_t k = 0; k < pw->streams_cap; k++) {
      if (!pw->streams[k].used) continue;
      size_t j = inv_hash(pw->streams[k].a, pw->streams[k].b, 0) & (cap - 1);
      while (t[j].used) j = (j + 1) & (cap - 1);
      t[j] = pw->streams[k];
    }
    free(pw->streams);
    pw->streams = t;
    pw->streams_cap = cap;
  }
  if (!pw->streams_cap) return NULL;
  size_t mask = pw->streams_cap - 1, j = inv_hash(a, b, 0) & mask;
  while (pw->streams[j].used) {
    if (pw->streams[j].a == a && pw->streams[j].b == b) {
      pw->stream_last = j;
      return &pw->streams[j];
    }
    j = (j + 1) & mask;
  }
  if (!create) return NULL;
  pw->streams[j] = (inv_stream){.used = true, .a = a, .b = b};
  pw->streams_n++;
  pw->stream_last = j;
  return &pw->streams[j];
}

static void inv_record(sim_world *w, int sender, uint64_t a, uint32_t b, uint64_t seq,
                       const uint8_t *data, size_t len) {
  sim_peer_world *pw = PW(w);
  size_t j = pw->inv_cap ? inv_find(pw, a, b, seq) : SIZE_MAX;
  if (j == SIZE_MAX) {
    inv_make_room(pw);
    size_t mask = pw->inv_cap - 1;
    j = inv_hash(a, b, seq) & mask;
    while (pw->inv[j].used) j = (j + 1) & mask;
    inv_entry *e = &pw->inv[j];
    e->used = true;
    e->a = a;
    e->b = b;
    e->seq = seq;
    pw->inv_n++;
  }
  inv_entry *e = &pw->inv[j];
  e->delivered = false; /* sent (again): deliverable until delivered */
  for (uint8_t k = 0; k < e->nv; k++)
    if (e->len[k] == len && !memcmp(e->v[k], data, len)) return;
  uint8_t k = e->nv < INV_VERSIONS ? e->nv : INV_VERSIONS - 1;
  inv_put(e, k, data, len);
  if (k == e->nv) e->nv++;
  e->sender = sender;
}

static void violation(sim_world *w, int node, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void violation(sim_world *w, int node, const char *fmt, ...) {
  char text[sizeof w->violation];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (!w->violation[0]) snprintf(w->violation, sizeof w->violation, "%s", text);
  sim_rec r = {.kind = SIM_REC_INFO, .node = node, .peer = -1, .what = "invariant_violation", .text = text};
  sim_world_trace(w, &r);
}

/* The first 8 bytes of the SHA-256 of `data`, as hex (what a violation shows). */
static void sha_prefix(const uint8_t *data, size_t len, char out[17]) {
  uint8_t d[32];
  crypto_hash_sha256(d, data, len);
  if (sb_hex_encode(d, 8, out, 17) != 0) out[0] = '\0';
}

/* A delivered frame's entry is retired INV_DELIVERED_KEEP deliveries later. */
static void inv_delivered(sim_peer_world *pw, size_t j) {
  inv_entry *e = &pw->inv[j];
  inv_stream *st = inv_stream_of(pw, e->a, e->b, true);
  if (e->seq > st->max) st->max = e->seq;
  if (!pw->retire) pw->retire = sim_xmalloc(INV_DELIVERED_KEEP * sizeof *pw->retire);
  uint64_t t = pw->tickets++;
  inv_key *slot = &pw->retire[t % INV_DELIVERED_KEEP];
  if (t >= INV_DELIVERED_KEEP) { /* the delivery INV_DELIVERED_KEEP ago: retire its entry */
    size_t old = inv_find(pw, slot->a, slot->b, slot->seq);
    if (old != SIZE_MAX && old != j && pw->inv[old].delivered && pw->inv[old].dticket == slot->ticket) {
      uint64_t a = e->a, seq = e->seq;
      uint32_t b = e->b;
      inv_remove(pw, old);
      j = inv_find(pw, a, b, seq); /* the removal may have moved it */
    }
  }
  e = &pw->inv[j];
  e->delivered = true;
  e->dticket = t;
  *slot = (inv_key){.a = e->a, .b = e->b, .seq = e->seq, .ticket = t};
}

static void inv_check(sim_world *w, int receiver, uint64_t a, uint32_t b, uint64_t seq,
                      const uint8_t *data, size_t len) {
  sim_peer_world *pw = PW(w);
  pw->checked++;
  size_t j = pw->inv_cap ? inv_find(pw, a, b, seq) : SIZE_MAX;
  if (j != SIZE_MAX) {
    const inv_entry *e = &pw->inv[j];
    for (uint8_t k = 0; k < e->nv; k++)
      if (e->len[k] == len && !memcmp(e->v[k], data, len)) {
        inv_delivered(pw, j);
        return;
      }
  }
  /* A violation: only now is anything formatted. */
  char where[64];
  if (b & DIR_PIPE)
    snprintf(where, sizeof where, "connection %u %s", (unsigned)a, (b & DIR_C2D) ? "c2d" : "d2c");
  else
    snprintf(where, sizeof where, "session %016llx %s", (unsigned long long)a, (b & DIR_C2D) ? "c2d" : "d2c");
  const char *rname = sim_trace_name(&w->trace, receiver);
  if (j == SIZE_MAX) {
    violation(w, receiver,
              "layer invariant: '%s' was handed %zu bytes on %s seq %llu that no sender emitted",
              rname, len, where, (unsigned long long)seq);
    return;
  }
  const inv_entry *e = &pw->inv[j];
  char want[17], got[17];
  sha_prefix(e->v[e->nv - 1], e->len[e->nv - 1], want);
  sha_prefix(data, len, got);
  violation(w, receiver,
            "layer invariant: the %zu bytes '%s' was handed on %s seq %llu differ from what '%s' "
            "emitted (sha256 %s... received, %s... sent)",
            len, rname, where, (unsigned long long)seq, sim_trace_name(&w->trace, e->sender), got, want);
}

void sim_invariant_sent(sim_node *n, uint64_t sid, uint64_t seq, const uint8_t *data, size_t len) {
  inv_record(n->w, n->index, sid, n->kind == SIM_CLIENT ? DIR_C2D : DIR_D2C, seq, data, len);
}

void sim_invariant_delivered(sim_node *n, uint64_t sid, uint64_t seq, const uint8_t *data,
                             size_t len) {
  inv_check(n->w, n->index, sid, n->kind == SIM_CLIENT ? DIR_D2C : DIR_C2D, seq, data, len);
}

size_t sim_invariant_entries(const sim_world *w) {
  return w->peers ? ((const sim_peer_world *)w->peers)->inv_n : 0;
}

uint64_t sim_invariant_checked(const sim_world *w) {
  return w->peers ? ((const sim_peer_world *)w->peers)->checked : 0;
}

/* ---- instances --------------------------------------------------------------------- */

static void inst_after(sim_peer_inst *i);
static void install_registrations(sim_peer_inst *i);

static const sb_peer_io *inst_io(void);

static sim_peer_inst *inst_new(sim_node *n, uint32_t index, bool raw) {
  sim_peer_node *pn = n->peer;
  sim_peer_inst *i = calloc(1, sizeof *i);
  if (!i) abort();
  i->node = n;
  i->index = index;
  i->raw = raw;
  char stream[SIM_NAME_MAX + 48];
  if (index)
    snprintf(stream, sizeof stream, "%s/accepted/%u", n->name, index);
  else
    snprintf(stream, sizeof stream, "%s/peer", n->name);
  sim_stream_init(&i->x, n->w->cfg.seed, stream);
  if (raw) return i;
  i->frame_buf = malloc(SIM_PEER_FRAME_BUF);
  i->p = calloc(1, sizeof *i->p);
  if (!i->frame_buf || !i->p) abort();
  sb_peer_config cfg = pn->cfg;
  cfg.frame_buf = i->frame_buf;
  cfg.frame_cap = SIM_PEER_FRAME_BUF;
  cfg.negotiator.peer_id = pn->peer_id;
  cfg.negotiator.caps = pn->caps;
  cfg.negotiator.metadata = pn->metadata;
  cfg.role = index ? SB_PEER_ROLE_ACCEPTED : SB_PEER_ROLE_CLIENT;
  /* Accepted peers over SBRP are created once the session is Active: the
   * channel is up, negotiation starts at once. */
  cfg.channel_layer = !index && pn->via != NULL;
  if (index) cfg.on_disconnect = SB_PEER_ON_DISCONNECT_FAIL; /* RPC-SDK-015 */
  sb_rng rng = {inst_fill, i};
  sb_peer_io io = *inst_io();
  io.ctx = i;
  int rc = sb_peer_init(i->p, &cfg, &io, &rng);
  if (rc != 0) {
    sim_world_internal(n->w, "%s: sb_peer_init failed: %s", n->name, sb_err_name(rc));
    free(i->p);
    i->p = NULL;
    i->raw = true;
  }
  return i;
}

static void inst_free(sim_peer_inst *i) {
  if (!i) return;
  if (i->p) sb_peer_free(i->p);
  free(i->p);
  free(i->frame_buf);
  free(i->calls);
  free(i);
}

sim_node *sim_peer_node_of_inst(const sim_peer_inst *i) { return i->node; }
size_t *sim_peer_cursor(sim_node *n, sim_peer_inst *i, int which) {
  return i ? &i->cursor[which] : &n->peer->cursor[which];
}
uint32_t sim_peer_inst_index(const sim_peer_inst *i) { return i->index; }
sb_peer *sim_peer_machine(sim_peer_inst *i) { return i->raw ? NULL : i->p; }
bool sim_peer_inst_open(const sim_peer_inst *i) { return i->raw_state_open; }
uint64_t sim_peer_inst_sid(const sim_peer_inst *i) { return i->sid; }
bool sim_peer_is_server(const sim_node *n) { return n->peer && n->peer->server; }
bool sim_peer_is_raw(const sim_node *n) { return n->peer && n->peer->raw; }

sim_peer_inst *sim_peer_inst_of(sim_node *n, uint32_t k) {
  sim_peer_node *pn = n->peer;
  if (!pn) return NULL;
  if (!pn->server) return k == 0 ? pn->client : NULL;
  if (k == 0 || k > pn->nacc) return NULL;
  return pn->acc[k - 1];
}

uint32_t sim_peer_accepted_count(const sim_node *n) { return n->peer ? n->peer->nacc : 0; }

static bool inst_live(const sim_peer_inst *i) {
  if (i->raw) return !i->raw_closed;
  return sb_peer_state_of(i->p) != SB_PEER_CLOSED && i->accept_settled;
}

uint32_t sim_peer_connections(const sim_node *n) {
  sim_peer_node *pn = n->peer;
  uint32_t c = 0;
  if (!pn) return 0;
  for (uint32_t k = 0; k < pn->nacc; k++)
    if (inst_live(pn->acc[k])) c++;
  return c;
}

sim_peer_inst *sim_peer_connection(sim_node *n, const char *id) {
  sim_peer_node *pn = n->peer;
  if (!pn) return NULL;
  for (uint32_t k = pn->nacc; k > 0; k--) {
    sim_peer_inst *i = pn->acc[k - 1];
    if (inst_live(i) && !strcmp(i->remote_id, id)) return i;
  }
  return NULL;
}

const char *sim_peer_state_name(const sim_peer_inst *i) {
  if (i->raw) return i->raw_closed ? "closed" : i->raw_state_open ? "open" : i->raw_connecting ? "connecting" : "idle";
  return sb_peer_state_name(sb_peer_state_of(i->p));
}

const char *sim_peer_node_state(const sim_node *n) {
  sim_peer_node *pn = n->peer;
  if (!pn) return "?";
  if (pn->server) return pn->closed_server ? "closed" : "serving";
  return sim_peer_state_name(pn->client);
}

/* ---- plain connections (pipes) ---------------------------------------------------- */

static void pipe_arrive(sim_world *w, void *obj, uint64_t dir);
static void pipe_lost(sim_world *w, void *obj, uint64_t side);

static sim_node *pipe_sender(const sim_pipe *p, int dir) {
  return dir == SIM_UP ? p->client->node : p->server_node;
}

static pmsg *pipe_queue(sim_pipe *p, int dir, pmsg_kind k, const uint8_t *bytes, size_t len) {
  sim_world *w = p->server_node->w;
  pmsg *m = calloc(1, sizeof *m);
  if (!m) abort();
  m->k = k;
  if (bytes) {
    m->bytes = malloc(len ? len : 1);
    if (!m->bytes) abort();
    memcpy(m->bytes, bytes, len);
  }
  m->len = len;
  if (k == PM_DATA) {
    m->index = ++p->sent[dir];
    inv_record(w, pipe_sender(p, dir)->index, p->id, (uint32_t)(DIR_PIPE | (dir == SIM_UP ? DIR_C2D : DIR_D2C)),
               m->index, bytes, len);
  }
  if (p->tail[dir])
    p->tail[dir]->next = m;
  else
    p->head[dir] = m;
  p->tail[dir] = m;
  sim_node *from = pipe_sender(p, dir);
  sb_time_us at = w->now + w->cfg.latency;
  if (w->cfg.jitter > 0) at += (sb_time_us)sim_stream_below(&from->rng_jitter, (uint64_t)w->cfg.jitter + 1);
  if (at < p->last_at[dir]) at = p->last_at[dir];
  p->last_at[dir] = at;
  sim_sched_push(&w->sched, at, pipe_arrive, p, (uint64_t)dir);
  return m;
}

static sim_pipe *pipe_new(sim_peer_inst *client, sim_node *server) {
  sim_peer_world *pw = PW(server->w);
  sim_pipe *p = calloc(1, sizeof *p);
  if (!p) abort();
  if (pw->npipes == pw->pipes_cap) {
    pw->pipes_cap = pw->pipes_cap ? pw->pipes_cap * 2 : 16;
    pw->pipes = realloc(pw->pipes, pw->pipes_cap * sizeof *pw->pipes);
    if (!pw->pipes) abort();
  }
  pw->pipes[pw->npipes++] = p;
  p->id = (uint32_t)pw->npipes;
  p->client = client;
  p->server_node = server;
  return p;
}

static void pipe_send(sim_pipe *p, int dir, const uint8_t *bytes, size_t len, sim_peer_inst *who) {
  int side = dir == SIM_UP ? 0 : 1;
  if (!p || p->dead || p->closed[side]) {
    peer_note(who, "driver", "send_on_closed_connection", SB_ERR_STATE,
              "frame sent on a closed connection: dropped");
    return;
  }
  (void)pipe_queue(p, dir, PM_DATA, bytes, len);
}

static void pipe_close_code(sim_pipe *p, int side, int code) {
  if (!p || p->dead || p->closed[side]) return;
  p->closed[side] = true;
  sim_node *me = side == 0 ? p->client->node : p->server_node;
  sim_node *other = side == 0 ? p->server_node : p->client->node;
  trace_link(me, other, p->id, "close", code, NULL);
  pipe_queue(p, side == 0 ? SIM_UP : SIM_DOWN, PM_CLOSE, NULL, 0)->code = code;
}

static void pipe_close(sim_pipe *p, int side) { pipe_close_code(p, side, 1000); }

/* A session of `i` on pipe `p` ended (kind, reason); reported to its machine. */
static void inst_session_ended(sim_peer_inst *i, sim_pipe *p, sb_peer_close_kind kind, int cause,
                               const char *reason) {
  sim_world *w = i->node->w;
  if (i->pipe != p) return;
  if (i->raw) {
    i->raw_closed = true;
    i->raw_state_open = false;
    return;
  }
  sb_peer_session s = i->index ? i->index : p->session;
  if (!i->index && i->session != p->session) return;
  if (!i->index) i->session = 0;
  int rc = sb_peer_session_closed(i->p, w->now, s, kind, cause, reason);
  if (rc) sim_world_internal(w, "%s: session_closed: %s", i->node->name, sb_err_name(rc));
  inst_after(i);
}

static sim_peer_inst *accept_inst(sim_node *srv, uint64_t sid);

/* A driven node's connection ended (sim_peer_set_driver). */
static void driver_ended(sim_peer_inst *i, int code, const char *why) {
  sim_peer_node *pn = i->node->peer;
  if (pn->driver.ended) pn->driver.ended(pn->driver.ctx, i, code, why);
}

/* The server closes an accepted connection for a transport limit
 * (SBP-BEH-005): `code` toward the client, the end reported to its side. */
static void server_limit_close(sim_pipe *p, int code, int err, const char *what, const char *text) {
  sim_peer_inst *a = p->server;
  peer_note(a, "driver", what, err, text);
  pipe_close_code(p, 1, code);
  inst_session_ended(a, p, SB_PEER_CLOSE_RETRYABLE, err, text);
  driver_ended(a, code, text);
}

static void idle_fire(sim_world *w, void *obj, uint64_t gen) {
  sim_pipe *p = obj;
  sim_peer_node *pn = p->server_node->peer;
  if (gen != p->idle_gen || p->dead || p->closed[1] || !p->server || pn->idle_timeout <= 0) return;
  if (w->now - p->last_rx < pn->idle_timeout) {
    sim_sched_push(&w->sched, p->last_rx + pn->idle_timeout, idle_fire, p, p->idle_gen);
    return;
  }
  server_limit_close(p, 1000, SB_ERR_ROUTER_IDLE, "idle_timeout",
                     "no message from the client within the idle timeout: closed");
}

static void pipe_arrive(sim_world *w, void *obj, uint64_t d) {
  sim_pipe *p = obj;
  int dir = (int)d;
  pmsg *m = p->head[dir];
  if (!m) return;
  p->head[dir] = m->next;
  if (!m->next) p->tail[dir] = NULL;
  if (p->dead) goto done;
  if (dir == SIM_UP) { /* at the server */
    sim_node *srv = p->server_node;
    sim_peer_node *pn = srv->peer;
    if (m->k == PM_UPGRADE) {
      if (pn->closed_server) {
        trace_link(srv, p->client->node, p->id, "upgrade", 503, "the server is closed");
        pipe_queue(p, SIM_DOWN, PM_REFUSE, NULL, 0);
        goto done;
      }
      trace_link(srv, p->client->node, p->id, "upgrade", 101, NULL);
      pipe_queue(p, SIM_DOWN, PM_OPEN, NULL, 0);
      sim_peer_inst *a = accept_inst(srv, 0);
      a->pipe = p;
      p->server = a;
      p->last_rx = w->now;
      if (pn->idle_timeout > 0)
        sim_sched_push(&w->sched, w->now + pn->idle_timeout, idle_fire, p, ++p->idle_gen);
      if (a->raw) {
        a->raw_state_open = true;
        if (pn->driver.opened) pn->driver.opened(pn->driver.ctx, a);
      } else {
        int rc = sb_peer_session_open(a->p, w->now, a->index);
        if (rc) sim_world_internal(w, "%s: accepted session_open: %s", srv->name, sb_err_name(rc));
        inst_after(a);
      }
    } else if (m->k == PM_DATA) {
      sim_peer_inst *a = p->server;
      if (!a || p->closed[1]) goto done;
      if (pn->max_message && m->len > pn->max_message) {
        char text[96];
        snprintf(text, sizeof text, "a %zu-byte message over the %u-byte cap: closed with 1009", m->len,
                 (unsigned)pn->max_message);
        server_limit_close(p, 1009, SB_ERR_ROUTER_MESSAGE_TOO_BIG, "message_too_big", text);
        goto done;
      }
      p->last_rx = w->now;
      inv_check(w, srv->index, p->id, DIR_PIPE | DIR_C2D, m->index, m->bytes, m->len);
      trace_sbp(a, false, m->bytes, m->len);
      if (!a->raw) {
        int rc = sb_peer_session_recv(a->p, w->now, a->index, m->bytes, m->len);
        if (rc) sim_world_internal(w, "%s: recv: %s", srv->name, sb_err_name(rc));
        inst_after(a);
      } else if (pn->driver.received) {
        pn->driver.received(pn->driver.ctx, a, m->bytes, m->len);
      }
    } else if (m->k == PM_CLOSE) {
      trace_link(srv, p->client->node, p->id, "closed", m->code, NULL);
      if (p->server && !p->closed[1]) {
        p->closed[1] = true; /* the close is answered at once, without a reply message */
        inst_session_ended(p->server, p, SB_PEER_CLOSE_GRACEFUL, 0, NULL);
        driver_ended(p->server, m->code, "closed by the client");
      }
    }
    goto done;
  }
  /* at the client */
  sim_peer_inst *c = p->client;
  sim_node *cn = c->node;
  if (m->k == PM_OPEN) {
    trace_link(cn, p->server_node, p->id, "open", 101, NULL);
    if (c->pipe != p) goto done;
    if (c->raw) {
      c->raw_connecting = false;
      c->raw_state_open = true;
      if (cn->peer->driver.opened) cn->peer->driver.opened(cn->peer->driver.ctx, c);
    } else if (c->session == p->session) {
      int rc = sb_peer_session_open(c->p, w->now, p->session);
      if (rc) sim_world_internal(w, "%s: session_open: %s", cn->name, sb_err_name(rc));
      inst_after(c);
    }
  } else if (m->k == PM_REFUSE) {
    trace_link(cn, p->server_node, p->id, "refused", 503, NULL);
    p->dead = true;
    if (c->raw) {
      c->raw_connecting = false;
      c->raw_closed = true;
      driver_ended(c, 503, "connection refused (503)");
    } else {
      inst_session_ended(c, p, SB_PEER_CLOSE_RETRYABLE, SB_ERR_STATE, "connection refused (503)");
    }
  } else if (m->k == PM_DATA) {
    if (p->closed[0] || c->pipe != p) goto done;
    inv_check(w, cn->index, p->id, DIR_PIPE | DIR_D2C, m->index, m->bytes, m->len);
    if (!c->raw && c->session != p->session) goto done;
    trace_sbp(c, false, m->bytes, m->len);
    if (!c->raw) {
      int rc = sb_peer_session_recv(c->p, w->now, p->session, m->bytes, m->len);
      if (rc) sim_world_internal(w, "%s: recv: %s", cn->name, sb_err_name(rc));
      inst_after(c);
    } else if (cn->peer->driver.received) {
      cn->peer->driver.received(cn->peer->driver.ctx, c, m->bytes, m->len);
    }
  } else if (m->k == PM_CLOSE) {
    trace_link(cn, p->server_node, p->id, "closed", m->code, NULL);
    if (!p->closed[0]) {
      p->closed[0] = true;
      /* Only 1000 is a graceful close (TRN-WS-006): 1009 and the like are errors. */
      char why[64];
      snprintf(why, sizeof why, "closed by the server (%d)", m->code);
      if (m->code == 1000)
        inst_session_ended(c, p, SB_PEER_CLOSE_GRACEFUL, 0, NULL);
      else
        inst_session_ended(c, p, SB_PEER_CLOSE_RETRYABLE, SB_ERR_STATE, why);
      driver_ended(c, m->code, why);
    }
  }
done:
  free(m->bytes);
  free(m);
}

static void pipe_lost(sim_world *w, void *obj, uint64_t side) {
  sim_pipe *p = obj;
  (void)w;
  sim_peer_inst *i = side == 0 ? p->client : p->server;
  if (!i) return;
  sim_node *other = side == 0 ? p->server_node : p->client->node;
  trace_link(i->node, other, p->id, "closed", 1006, "connection lost");
  if (p->closed[side]) return;
  p->closed[side] = true;
  inst_session_ended(i, p, SB_PEER_CLOSE_RETRYABLE, SB_ERR_STATE, "connection lost");
  driver_ended(i, 1006, "connection lost");
}

/* Kill `p` now: `side` learns at once, the other after the latency. */
static void pipe_drop(sim_pipe *p, int side) {
  sim_world *w = p->server_node->w;
  p->dead = true;
  sim_node *me = side == 0 ? p->client->node : p->server_node;
  sim_rec r = {.kind = SIM_REC_FAULT, .node = me->index, .peer = -1, .conn = p->id, .what = "drop",
               .text = "drop_connection"};
  sim_world_trace(w, &r);
  pipe_lost(w, p, (uint64_t)side);
  sim_sched_push(&w->sched, w->now + w->cfg.latency, pipe_lost, p, (uint64_t)(1 - side));
}

/* ---- the machine's io ------------------------------------------------------------- */

static sim_node *inst_via(sim_peer_inst *i) { return i->node->peer->via; }

typedef struct item_src {
  sim_peer_node *pn;
} item_src;

static void queue_item(sim_peer_node *pn, const item *it);

static void io_send(void *ctx, sb_peer_session s, const uint8_t *frame, size_t len) {
  sim_peer_inst *i = ctx;
  (void)s;
  trace_sbp(i, true, frame, len);
  sim_node *via = inst_via(i);
  if (via) {
    int rc = sim_node_send(via, i->sid, frame, len);
    if (rc) peer_note(i, "driver", "send_refused", rc, via->w->err);
    return;
  }
  pipe_send(i->pipe, i->index ? SIM_DOWN : SIM_UP, frame, len, i);
}

static void attempt_failed(sim_peer_inst *i, int rc, const char *why) {
  item it = {.k = IT_CLOSED, .session = i->session, .close_kind = SB_PEER_CLOSE_RETRYABLE, .cause = rc};
  snprintf(it.reason, sizeof it.reason, "%.150s", why);
  queue_item(i->node->peer, &it);
}

static void io_open(void *ctx, sb_peer_session s) {
  sim_peer_inst *i = ctx;
  sim_peer_node *pn = i->node->peer;
  i->session = s;
  if (!pn->via) {
    i->pipe = pipe_new(i, pn->target);
    i->pipe->session = s;
    trace_link(i->node, pn->target, i->pipe->id, "connect", 0, NULL);
    pipe_queue(i->pipe, SIM_UP, PM_UPGRADE, NULL, 0);
    return;
  }
  sim_node *c = pn->via;
  i->sid = 0;
  sb_sbrp_client_state st = sb_sbrp_client_state_of(&c->u.client.m);
  int rc = 0;
  if (st != SB_SBRP_CLIENT_IDLE && st != SB_SBRP_CLIENT_RECONNECTING && st != SB_SBRP_CLIENT_CLOSED) {
    i->closing = true;
    rc = sim_node_close(c);
    i->closing = false;
    st = sb_sbrp_client_state_of(&c->u.client.m);
  }
  if (rc == 0 && st == SB_SBRP_CLIENT_CLOSED) rc = sim_client_renew(c);
  if (rc == 0) {
    st = sb_sbrp_client_state_of(&c->u.client.m);
    rc = st == SB_SBRP_CLIENT_RECONNECTING ? sim_node_reconnect(c, NULL) : sim_node_connect(c, NULL);
  }
  if (rc) attempt_failed(i, rc, c->w->err);
}

static void io_close(void *ctx, sb_peer_session s, const char *reason) {
  sim_peer_inst *i = ctx;
  sim_peer_node *pn = i->node->peer;
  (void)s;
  if (!pn->via) {
    pipe_close(i->pipe, i->index ? 1 : 0);
    return;
  }
  sim_node *via = pn->via;
  if (i->index) { /* an accepted peer ends its SBRP session: Signal(close) */
    const sb_sbrp_daemon_session *ds = sb_sbrp_daemon_session_get(&via->u.daemon.m, i->sid);
    if (ds && ds->state == SB_SBRP_DSESSION_ACTIVE && !via->down) {
      i->closing = true;
      int rc = sim_daemon_end_session(via, i->sid, SB_SBRP_REASON_NONE);
      i->closing = false;
      if (rc) peer_note(i, "driver", "end_session_refused", rc, via->w->err);
    }
    return;
  }
  i->session = 0;
  sb_sbrp_client_state st = sb_sbrp_client_state_of(&via->u.client.m);
  if (!via->down && st != SB_SBRP_CLIENT_CLOSED && st != SB_SBRP_CLIENT_IDLE) {
    i->closing = true;
    int rc = sim_node_close(via);
    i->closing = false;
    if (rc) peer_note(i, "driver", "close_refused", rc, reason);
  } else if (!via->down && via->fetching) {
    i->closing = true;
    (void)sim_node_close(via);
    i->closing = false;
  }
}

static int io_event(void *ctx, const sb_peer_event *ev) {
  sim_peer_inst *i = ctx;
  const char *name = sb_peer_event_name(ev->kind);
  if (ev->kind == SB_PEER_EVENT_STATE_CHANGE) {
    char text[64];
    snprintf(text, sizeof text, "%s", sb_peer_state_name(ev->state));
    trace_peer(i, "lifecycle", name, NULL, 0, text, NULL);
  } else if (ev->kind == SB_PEER_EVENT_ERROR) {
    trace_peer(i, "lifecycle", name, NULL, ev->err, ev->message, NULL);
  } else {
    trace_peer(i, "lifecycle", name, NULL, 0, NULL, NULL);
  }
  /* A listener of this event that throws (sim_peer_listener_throws). */
  const sim_peer_node *pn = i->node->peer;
  for (int k = 0; k < pn->nthrows; k++)
    if (!strcmp(pn->throws[k], name)) return SB_ERR_STATE;
  return 0;
}

static void io_settle(void *ctx, const sb_peer_settlement *st) {
  sim_peer_inst *i = ctx;
  static const char *const kinds[] = {"connect", "reconnecting", "when_ready", "accept"};
  static const char *const status[] = {"connected", "aborted", "failed"};
  char tag[24] = "";
  if (st->kind == SB_PEER_SETTLE_WHEN_READY) snprintf(tag, sizeof tag, "%llu", (unsigned long long)st->tag);
  const char *text = st->kind == SB_PEER_SETTLE_RECONNECTING ? status[st->status]
                     : st->err                                 ? st->message
                                                               : "ok";
  trace_peer(i, "settle", kinds[st->kind], tag[0] ? tag : NULL, st->err, text, NULL);
  if (st->kind == SB_PEER_SETTLE_ACCEPT && st->err == 0) {
    i->accept_settled = true;
    i->check_dup = true;
    const char *rid = sb_peer_remote_id(i->p);
    snprintf(i->remote_id, sizeof i->remote_id, "%s", rid ? rid : "");
  }
}

static const char *call_tag(sim_peer_inst *i, uint64_t id) {
  return id >= 1 && id <= i->ncalls ? i->calls[id - 1].tag : "?";
}

static void io_call_result(void *ctx, const sb_peer_call_result *r) {
  sim_peer_inst *i = ctx;
  cJSON *v = NULL;
  if (r->err == 0) {
    v = cJSON_CreateObject();
    if (r->result) cJSON_AddItemToObject(v, "result", cJSON_Duplicate(r->result, true));
  } else {
    v = cJSON_CreateObject();
    if (r->err == SB_ERR_PEER_RPC_ERROR && r->wire_code != 0) cJSON_AddNumberToObject(v, "wire", r->wire_code);
    if (r->data) cJSON_AddItemToObject(v, "data", cJSON_Duplicate(r->data, true));
  }
  if (r->try_call) {
    cJSON_AddBoolToObject(v, "ok", r->ok);
    cJSON_AddBoolToObject(v, "reconnected", r->reconnected);
  }
  const char *method = r->tag >= 1 && r->tag <= i->ncalls ? i->calls[r->tag - 1].method : NULL;
  trace_peer(i, "result", method, call_tag(i, r->tag), r->err, r->err ? r->message : NULL, v);
  cJSON_Delete(v);
}

static void io_unhandled(void *ctx, int err, const char *text) {
  trace_peer(ctx, "unhandled", NULL, NULL, err, text, NULL);
}

static void io_transition(void *ctx, const sb_peer_transition *t) {
  sim_peer_inst *i = ctx;
  uint64_t sid = 0;
  bool has = inst_sid(i, &sid);
  sim_rec r = {.kind = SIM_REC_TRANSITION, .node = i->node->index, .peer = -1, .machine = "peer",
               .has_sid = has, .sid = sid, .from = (char *)t->from, .to = (char *)t->to,
               .event = (char *)t->event, .row = (char *)t->row};
  sim_world_trace(i->node->w, &r);
  if (!strcmp(t->to, "reconnecting") && i->drew) {
    /* The backoff just drawn: the machine's jitter draw r and its delay
     * (PEER-RETRY-002), so scenarios can check the formula. */
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--) v = (v << 8) | i->last_draw[k];
    double rr = (double)(v >> 11) * 0x1p-53;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "attempt", i->p->retry_attempt);
    cJSON_AddNumberToObject(o, "r", rr);
    cJSON_AddNumberToObject(o, "delay_us", (double)(i->p->retry_deadline - i->node->w->now));
    char text[96];
    snprintf(text, sizeof text, "retry %u in %lld us", (unsigned)i->p->retry_attempt,
             (long long)(i->p->retry_deadline - i->node->w->now));
    trace_peer(i, "retry", NULL, NULL, 0, text, o);
    cJSON_Delete(o);
  }
}

static void io_note(void *ctx, const sb_peer_note *n) {
  peer_note(ctx, "peer", n->what, n->code, n->text);
}

static const sb_peer_io *inst_io(void) {
  static const sb_peer_io io = {NULL,         io_send,           io_open,        io_close,
                                io_event,     io_settle,         io_call_result, io_unhandled,
                                io_transition, io_note};
  return &io;
}

/* ---- timers ---------------------------------------------------------------------------- */

static void timer_fire(sim_world *w, void *obj, uint64_t gen) {
  sim_peer_inst *i = obj;
  if (!i->timer_armed || gen != i->timer_gen) return;
  i->timer_armed = false;
  sim_rec r = {.kind = SIM_REC_TIMER, .node = i->node->index, .peer = -1, .what = "peer"};
  sim_world_trace(w, &r);
  int rc = sb_peer_timeout(i->p, w->now);
  if (rc) sim_world_internal(w, "%s: peer timeout: %s", i->node->name, sb_err_name(rc));
  inst_after(i);
}

/* listen.ts: a second connection whose peerId is already connected is
 * closed with reason duplicate_peer_id (PEER-SRV-005); the first stays. */
static void check_duplicate(sim_peer_inst *i) {
  i->check_dup = false;
  sim_peer_node *pn = i->node->peer;
  bool dup = false;
  for (uint32_t k = 0; k < pn->nacc && !dup; k++) {
    sim_peer_inst *o = pn->acc[k];
    dup = o != i && inst_live(o) && !strcmp(o->remote_id, i->remote_id);
  }
  if (!dup) return;
  sim_world *w = i->node->w;
  peer_note(i, "driver", "duplicate_peer_id", 0, "a peer with this peerId is already connected: closed");
  if (pn->via) {
    i->closing = true;
    if (!pn->via->down) (void)sim_daemon_end_session(pn->via, i->sid, SB_SBRP_REASON_POLICY);
    i->closing = false;
  } else {
    pipe_close(i->pipe, 1);
  }
  int rc = sb_peer_session_closed(i->p, w->now, i->index, SB_PEER_CLOSE_GRACEFUL, 0, "duplicate_peer_id");
  if (rc) sim_world_internal(w, "%s: session_closed: %s", i->node->name, sb_err_name(rc));
}

static void inst_after(sim_peer_inst *i) {
  if (i->raw || !i->p) return;
  sim_world *w = i->node->w;
  if (i->check_dup) check_duplicate(i);
  sb_time_us d = sb_peer_deadline(i->p);
  if (d == SB_TIME_NEVER) {
    if (i->timer_armed) i->timer_gen++;
    i->timer_armed = false;
  } else if (!i->timer_armed || d != i->timer_at) {
    i->timer_gen++;
    i->timer_armed = true;
    i->timer_at = d;
    sim_sched_push(&w->sched, d > w->now ? d : w->now, timer_fire, i, i->timer_gen);
  }
  /* A closed client peer leaves no SBRP client behind it reconnecting. */
  sim_peer_node *pn = i->node->peer;
  if (!i->index && pn->via && sb_peer_state_of(i->p) == SB_PEER_CLOSED && !pn->via->down) {
    sb_sbrp_client_state st = sb_sbrp_client_state_of(&pn->via->u.client.m);
    if (st == SB_SBRP_CLIENT_RECONNECTING || pn->via->fetching) {
      i->closing = true;
      (void)sim_node_close(pn->via);
      i->closing = false;
    }
  }
}

/* ---- the SBRP seam: hooks queue, a scheduler event drains ------------------------------- */

static void drain_fire(sim_world *w, void *obj, uint64_t gen);

static void queue_item(sim_peer_node *pn, const item *it) {
  if (pn->qhead + pn->qn == pn->qcap) {
    if (pn->qhead) {
      memmove(pn->q, pn->q + pn->qhead, pn->qn * sizeof *pn->q);
      pn->qhead = 0;
    }
    if (pn->qn == pn->qcap) {
      pn->qcap = pn->qcap ? pn->qcap * 2 : 16;
      pn->q = realloc(pn->q, pn->qcap * sizeof *pn->q);
      if (!pn->q) abort();
    }
  }
  pn->q[pn->qhead + pn->qn++] = *it;
  if (!pn->drain_pending) {
    pn->drain_pending = true;
    sim_world *w = pn->node->w;
    sim_sched_push(&w->sched, w->now, drain_fire, pn, ++pn->drain_gen);
  }
}

static sim_peer_inst *inst_by_sid(sim_peer_node *pn, uint64_t sid) {
  for (uint32_t k = pn->nacc; k > 0; k--)
    if (pn->acc[k - 1]->sid == sid) return pn->acc[k - 1];
  return NULL;
}

static void install_registrations(sim_peer_inst *i);

static sim_peer_inst *accept_inst(sim_node *srv, uint64_t sid) {
  sim_peer_node *pn = srv->peer;
  pn->acc = realloc(pn->acc, (pn->nacc + 1) * sizeof *pn->acc);
  if (!pn->acc) abort();
  sim_peer_inst *a = inst_new(srv, pn->nacc + 1, pn->raw);
  a->sid = sid;
  pn->acc[pn->nacc++] = a;
  if (!a->raw) install_registrations(a);
  return a;
}

static void drain_client(sim_peer_node *pn, item *it) {
  sim_peer_inst *i = pn->client;
  sim_world *w = pn->node->w;
  if (!it->session || it->session != i->session) return; /* an attempt the peer left */
  int rc = 0;
  switch (it->k) {
    case IT_OPEN:
      i->sid = sim_client_session_id(pn->via);
      rc = sb_peer_session_open(i->p, w->now, it->session);
      break;
    case IT_CHANNEL: rc = sb_peer_session_channel_ready(i->p, w->now, it->session); break;
    case IT_FRAME:
      trace_sbp(i, false, it->bytes, it->len);
      rc = sb_peer_session_recv(i->p, w->now, it->session, it->bytes, it->len);
      break;
    case IT_SIGNAL: rc = sb_peer_session_signal(i->p, w->now, it->session, (sb_peer_signal)it->sig); break;
    case IT_CLOSED:
      i->session = 0;
      rc = sb_peer_session_closed(i->p, w->now, it->session, (sb_peer_close_kind)it->close_kind, it->cause,
                                  it->reason[0] ? it->reason : NULL);
      break;
    case IT_ACCEPT: break;
  }
  if (rc) sim_world_internal(w, "%s: peer refused a driver report: %s", pn->node->name, sb_err_name(rc));
  inst_after(i);
}

static void drain_server(sim_peer_node *pn, item *it) {
  sim_world *w = pn->node->w;
  sim_node *d = pn->via;
  if (it->k == IT_ACCEPT) {
    if (pn->closed_server) {
      if (!d->down) (void)sim_daemon_end_session(d, it->sid, SB_SBRP_REASON_SHUTDOWN);
      return;
    }
    sim_peer_inst *a = accept_inst(pn->node, it->sid);
    if (a->raw) {
      a->raw_state_open = true;
      return;
    }
    int rc = sb_peer_session_open(a->p, w->now, a->index);
    if (rc) sim_world_internal(w, "%s: accepted session_open: %s", pn->node->name, sb_err_name(rc));
    inst_after(a);
    return;
  }
  sim_peer_inst *a = inst_by_sid(pn, it->sid);
  if (!a) {
    if (it->k == IT_FRAME) {
      sim_rec r = {.kind = SIM_REC_NOTE, .node = pn->node->index, .peer = -1, .machine = "driver",
                   .has_sid = true, .sid = it->sid, .what = "frame_for_no_peer",
                   .text = "plaintext of a session no accepted peer serves: dropped"};
      sim_world_trace(w, &r);
    }
    return;
  }
  if (a->raw) {
    if (it->k == IT_FRAME) trace_sbp(a, false, it->bytes, it->len);
    if (it->k == IT_CLOSED || (it->k == IT_SIGNAL && it->sig == SB_PEER_SIGNAL_ENDED)) {
      a->raw_closed = true;
      a->raw_state_open = false;
    }
    return;
  }
  int rc = 0;
  switch (it->k) {
    case IT_FRAME:
      trace_sbp(a, false, it->bytes, it->len);
      rc = sb_peer_session_recv(a->p, w->now, a->index, it->bytes, it->len);
      break;
    case IT_SIGNAL: rc = sb_peer_session_signal(a->p, w->now, a->index, (sb_peer_signal)it->sig); break;
    case IT_CLOSED:
      rc = sb_peer_session_closed(a->p, w->now, a->index, (sb_peer_close_kind)it->close_kind, it->cause,
                                  it->reason[0] ? it->reason : NULL);
      break;
    default: break;
  }
  if (rc) sim_world_internal(w, "%s: accepted peer refused a driver report: %s", pn->node->name,
                             sb_err_name(rc));
  inst_after(a);
}

static void drain_fire(sim_world *w, void *obj, uint64_t gen) {
  sim_peer_node *pn = obj;
  if (gen != pn->drain_gen) return;
  pn->drain_pending = false;
  while (pn->qn) {
    item it = pn->q[pn->qhead++];
    pn->qn--;
    if (pn->server)
      drain_server(pn, &it);
    else
      drain_client(pn, &it);
    free(it.bytes);
    if (w->internal[0]) break;
  }
  if (!pn->qn) pn->qhead = 0;
}

/* sim_app callbacks of the SBRP node under a peer. */

static void app_deliver(void *ctx, sim_node *node, uint64_t sid, const uint8_t *data, size_t len) {
  sim_peer_node *pn = ctx;
  (void)node;
  if (pn->raw && !pn->server) return;
  item it = {.k = IT_FRAME, .sid = sid, .session = pn->server ? 0 : pn->client->session};
  it.bytes = malloc(len ? len : 1);
  if (!it.bytes) abort();
  memcpy(it.bytes, data, len);
  it.len = len;
  queue_item(pn, &it);
}

static bool starts(const char *s, const char *prefix) { return s && !strncmp(s, prefix, strlen(prefix)); }
static bool has(const char *s, const char *sub) { return s && strstr(s, sub); }

/* How a peer classifies the end of its SBRP connection (errata
 * E-SCEN-PEER-1): the client machine's own choice (Reconnecting means the
 * session may be tried again), refined for Closed as upstream's
 * classifySbrpError: a transport error (ws_error) and handshake_timeout are
 * retryable, every other terminal outcome is fatal. */
static sb_peer_close_kind classify_client_end(const sb_sbrp_transition *t) {
  if (!strcmp(t->to, "Reconnecting")) return SB_PEER_CLOSE_RETRYABLE;
  if (starts(t->event, "ws_error") || has(t->event, "handshake_timeout")) return SB_PEER_CLOSE_RETRYABLE;
  return SB_PEER_CLOSE_FATAL;
}

static void app_transition(void *ctx, sim_node *node, const sb_sbrp_transition *t) {
  sim_peer_node *pn = ctx;
  (void)node;
  if (!pn->server) {
    sim_peer_inst *i = pn->client;
    if (pn->raw || strcmp(t->machine, "client") || i->closing || !i->session) return;
    item it = {.session = i->session};
    if (!strcmp(t->to, "Handshaking")) {
      it.k = IT_OPEN;
    } else if (!strcmp(t->from, "Handshaking") && !strcmp(t->to, "Active")) {
      it.k = IT_CHANNEL;
    } else if (!strcmp(t->to, "Reconnecting") || !strcmp(t->to, "Closed")) {
      it.k = IT_CLOSED;
      it.close_kind = classify_client_end(t);
      snprintf(it.reason, sizeof it.reason, "SBRP %s", t->event ? t->event : "connection ended");
    } else {
      return;
    }
    queue_item(pn, &it);
    return;
  }
  if (strcmp(t->machine, "daemon/session")) return;
  sim_peer_inst *a = inst_by_sid(pn, t->session_id);
  if (a && a->closing) return;
  item it = {.sid = t->session_id};
  if (!strcmp(t->from, "Handshaking") && !strcmp(t->to, "Active")) {
    it.k = IT_ACCEPT;
  } else if (!strcmp(t->to, "Idle (session)") || (t->row && !strcmp(t->row, "SBRP-SM-D-010"))) {
    if (has(t->event, "session_ended")) {
      it.k = IT_SIGNAL;
      it.sig = SB_PEER_SIGNAL_ENDED;
    } else {
      it.k = IT_CLOSED;
      it.close_kind = SB_PEER_CLOSE_RETRYABLE;
      snprintf(it.reason, sizeof it.reason, "SBRP %s", t->event ? t->event : "session ended");
    }
  } else if (!strcmp(t->from, "Active") && !strcmp(t->to, "Reconnecting")) {
    it.k = IT_SIGNAL;
    it.sig = SB_PEER_SIGNAL_PAUSED;
  } else if (!strcmp(t->to, "Active") && !strcmp(t->from, "Connected")) {
    it.k = IT_SIGNAL;
    it.sig = SB_PEER_SIGNAL_RESUMED;
  } else {
    return;
  }
  queue_item(pn, &it);
}

/* Session-scoped, non-terminal Control frames of the client's session become
 * signals once its channel is up (ADR-014; cloud.md section 5). */
static void app_frame(void *ctx, sim_node *node, const uint8_t *frame, size_t len) {
  sim_peer_node *pn = ctx;
  if (pn->server || pn->raw || !pn->client->session) return;
  sb_sbrp_client_state st = sb_sbrp_client_state_of(&node->u.client.m);
  if (st != SB_SBRP_CLIENT_ACTIVE && st != SB_SBRP_CLIENT_PAUSED && st != SB_SBRP_CLIENT_PENDING) return;
  sim_frame_info fi;
  sim_frame_describe(frame, len, &fi);
  if (fi.err || !fi.has_control || fi.sid != sim_client_session_id(node)) return;
  int sig = 0;
  switch (fi.control_code) {
    case SB_SBRP_CTRL_SESSION_PAUSED: sig = SB_PEER_SIGNAL_PAUSED; break;
    case SB_SBRP_CTRL_SESSION_PENDING: sig = SB_PEER_SIGNAL_PENDING; break;
    case SB_SBRP_CTRL_SESSION_RESUMED: sig = SB_PEER_SIGNAL_RESUMED; break;
    case SB_SBRP_CTRL_SESSION_ENDED: sig = SB_PEER_SIGNAL_ENDED; break;
    default: return;
  }
  item it = {.k = IT_SIGNAL, .session = pn->client->session, .sig = sig};
  queue_item(pn, &it);
}

/* The token fetch in front of an attempt failed (sim_node_token_failed). */
static void app_token_failed(void *ctx, sim_node *node, bool retry, const char *why) {
  sim_peer_node *pn = ctx;
  (void)node;
  if (pn->server || pn->raw || !pn->client->session || pn->client->closing) return;
  item it = {.k = IT_CLOSED, .session = pn->client->session,
             .close_kind = retry ? SB_PEER_CLOSE_RETRYABLE : SB_PEER_CLOSE_FATAL};
  snprintf(it.reason, sizeof it.reason, "%s", why ? why : "no token");
  queue_item(pn, &it);
}

/* ---- creating peers ------------------------------------------------------------------- */

void sim_peer_opts_default(sim_peer_opts *o) {
  memset(o, 0, sizeof *o);
  sb_peer_config_defaults(&o->cfg);
}

static void peer_node_free(sim_peer_node *pn) {
  if (!pn) return;
  if (pn->driver.free) pn->driver.free(pn->driver.ctx);
  inst_free(pn->client);
  for (uint32_t k = 0; k < pn->nacc; k++) inst_free(pn->acc[k]);
  free(pn->acc);
  for (uint32_t k = 0; k < pn->nout; k++) inst_free(pn->out[k]);
  free(pn->out);
  for (int s = 0; s < SIM_PEER_MAX_HANDLERS; s++)
    if (pn->handlers[s].used) sim_handler_spec_free(&pn->handlers[s].spec);
  for (size_t k = 0; k < pn->ndelayed; k++) {
    sim_handler_spec_free(&pn->delayed[k].spec);
    cJSON_Delete(pn->delayed[k].params);
  }
  free(pn->delayed);
  free(pn->pending);
  for (size_t k = pn->qhead; k < pn->qhead + pn->qn; k++) free(pn->q[k].bytes);
  free(pn->q);
  cJSON_Delete(pn->caps);
  cJSON_Delete(pn->metadata);
  free(pn);
}

void sim_peer_node_free(sim_node *n) {
  if (!n || !n->peer) return;
  peer_node_free(n->peer);
  n->peer = NULL;
}

void sim_peer_world_free(sim_world *w) {
  sim_peer_world *pw = w->peers;
  if (!pw) return;
  for (size_t k = 0; k < pw->npipes; k++) {
    sim_pipe *p = pw->pipes[k];
    for (int d = 0; d < 2; d++) {
      pmsg *m = p->head[d];
      while (m) {
        pmsg *nx = m->next;
        free(m->bytes);
        free(m);
        m = nx;
      }
    }
    free(p);
  }
  free(pw->pipes);
  for (size_t k = 0; k < pw->inv_cap; k++)
    if (pw->inv[k].used) inv_entry_clear(&pw->inv[k]);
  free(pw->inv);
  free(pw->streams);
  free(pw->retire);
  free(pw);
  w->peers = NULL;
}

sim_node *sim_world_add_peer(sim_world *w, sim_peer_opts *o) {
  if (o->via) {
    if (o->via->peer || o->via->app.deliver) {
      snprintf(w->err, sizeof w->err, "'%s' already carries an application", o->via->name);
      return NULL;
    }
    if (o->server ? o->via->kind != SIM_DAEMON : o->via->kind != SIM_CLIENT) {
      snprintf(w->err, sizeof w->err, "%s: via must be %s, and '%s' is not one",
               o->server ? "a peer server" : "a peer", o->server ? "a daemon" : "a client", o->via->name);
      return NULL;
    }
    if (!o->server && sb_sbrp_client_state_of(&o->via->u.client.m) != SB_SBRP_CLIENT_IDLE) {
      snprintf(w->err, sizeof w->err, "a peer needs an Idle client under it ('%s' is %s)", o->via->name,
               sim_node_state(o->via));
      return NULL;
    }
    if (!o->server && o->raw) {
      snprintf(w->err, sizeof w->err, "a raw peer over SBRP is the client itself: use client:send");
      return NULL;
    }
  } else if (!o->server) {
    if (!o->target || !o->target->peer || !o->target->peer->server || o->target->peer->via) {
      snprintf(w->err, sizeof w->err, "a plain peer connects to a plain peer server (server = ...)");
      return NULL;
    }
  }
  sb_peer_config probe = o->cfg;
  uint64_t d = 0;
  if (sb_peer_backoff_delay(&probe.retry, 0, 0.0, &d) != 0 ||
      probe.max_buffered_events > SB_PEER_MAX_BUFFERED_EVENTS) {
    snprintf(w->err, sizeof w->err, "the peer refused its configuration");
    return NULL;
  }
  sim_node *n = sim_world_add_node(w, SIM_PEER, o->name, o->server ? "server" : "peer");
  if (!n) return NULL;
  sim_peer_node *pn = calloc(1, sizeof *pn);
  if (!pn) abort();
  n->peer = pn;
  pn->node = n;
  pn->server = o->server;
  pn->raw = o->raw;
  pn->via = o->via;
  pn->target = o->target;
  pn->cfg = o->cfg;
  pn->max_message = o->max_message;
  pn->idle_timeout = o->idle_timeout;
  if (o->random_peer_id) {
    /* as upstream's id.ts when no peerId is given: 16 random bytes, 32 lower-case hex (PEER-NEG-009) */
    sb_xoshiro x;
    char stream[SIM_NAME_MAX + 16];
    snprintf(stream, sizeof stream, "%s/peer-id", n->name);
    sim_stream_init(&x, w->cfg.seed, stream);
    uint8_t id[16];
    sb_rng rng = sb_xoshiro_rng(&x);
    if (sb_rng_bytes(&rng, id, sizeof id) != 0 || sb_hex_encode(id, sizeof id, pn->peer_id, sizeof pn->peer_id) != 0)
      sim_world_internal(w, "%s: no peer id", n->name);
  } else {
    snprintf(pn->peer_id, sizeof pn->peer_id, "%s", o->peer_id ? o->peer_id : n->name);
  }
  pn->caps = o->caps;
  pn->metadata = o->metadata;
  o->caps = o->metadata = NULL;
  if (!pn->server) pn->client = inst_new(n, 0, pn->raw);
  if (pn->via) {
    sim_app app = {.name = "sbp-peer", .deliver = app_deliver, .ctx = pn, .transition = app_transition,
                   .frame = app_frame, .token_failed = app_token_failed};
    sim_node_set_app(pn->via, &app);
    pn->via->auto_reconnect = false; /* the peer owns reconnection */
  }
  return n;
}

/* ---- actions ------------------------------------------------------------------------------ */

static int fail(sim_peer_inst *i, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(sim_peer_inst *i, int rc, const char *fmt, ...) {
  sim_world *w = i->node->w;
  char text[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  snprintf(w->err, sizeof w->err, "%s: %s", i->node->name, text);
  return rc;
}

static int machine(sim_peer_inst *i, int rc, const char *call) {
  if (rc == 0) return 0;
  const char *code = sb_peer_error_code(rc);
  return fail(i, rc, "%s refused in state %s: %s%s%s", call, sim_peer_state_name(i), sb_err_name(rc),
              code ? " " : "", code ? code : "");
}

static int need_machine(sim_peer_inst *i, const char *what) {
  return i->raw ? fail(i, SB_ERR_ARG, "%s: a raw peer has no machine", what) : 0;
}

int sim_peer_connect(sim_peer_inst *i) {
  sim_world *w = i->node->w;
  if (i->raw) {
    if (i->index || i->raw_connecting || i->raw_state_open || i->raw_closed)
      return fail(i, SB_ERR_STATE, "connect: a raw peer connects once");
    i->raw_connecting = true;
    sim_peer_node *pn = i->node->peer;
    i->pipe = pipe_new(i, pn->target);
    trace_link(i->node, pn->target, i->pipe->id, "connect", 0, NULL);
    pipe_queue(i->pipe, SIM_UP, PM_UPGRADE, NULL, 0);
    return 0;
  }
  int rc = machine(i, sb_peer_connect(i->p, w->now), "connect");
  inst_after(i);
  return rc;
}

int sim_peer_disconnect(sim_peer_inst *i) {
  sim_world *w = i->node->w;
  if (i->raw) {
    if (i->pipe && !i->raw_closed) pipe_close(i->pipe, i->index ? 1 : 0);
    i->raw_closed = true;
    i->raw_state_open = false;
    return 0;
  }
  int rc = machine(i, sb_peer_disconnect(i->p, w->now), "disconnect");
  inst_after(i);
  return rc;
}

int sim_peer_when_ready(sim_peer_inst *i, uint64_t tag, bool aborted) {
  int rc = need_machine(i, "when_ready");
  if (rc) return rc;
  rc = machine(i, sb_peer_when_ready(i->p, tag, aborted), "when_ready");
  inst_after(i);
  return rc;
}

int sim_peer_when_ready_cancel(sim_peer_inst *i, uint64_t tag) {
  int rc = need_machine(i, "cancel_when_ready");
  if (rc) return rc;
  rc = machine(i, sb_peer_when_ready_cancel(i->p, tag), "cancel_when_ready");
  inst_after(i);
  return rc;
}

static long find_call(const sim_peer_inst *i, const char *tag) {
  for (size_t k = 0; k < i->ncalls; k++)
    if (!strcmp(i->calls[k].tag, tag)) return (long)k;
  return -1;
}

sb_time_us sim_peer_call_started(const sim_peer_inst *i, const char *tag) {
  long k = find_call(i, tag);
  return k < 0 ? -1 : i->calls[k].started;
}

int sim_peer_call(sim_peer_inst *i, const char *tag, const char *method, const cJSON *params,
                  const sim_call_opts *o) {
  int rc = need_machine(i, "call");
  if (rc) return rc;
  if (!tag || !*tag || strlen(tag) >= SIM_PEER_TAG_MAX) return fail(i, SB_ERR_ARG, "call: bad tag");
  if (find_call(i, tag) >= 0) return fail(i, SB_ERR_EXISTS, "call: tag '%s' is already used", tag);
  if (i->ncalls == i->calls_cap) {
    i->calls_cap = i->calls_cap ? i->calls_cap * 2 : 16;
    i->calls = realloc(i->calls, i->calls_cap * sizeof *i->calls);
    if (!i->calls) abort();
  }
  sim_call *c = &i->calls[i->ncalls++];
  memset(c, 0, sizeof *c);
  snprintf(c->tag, sizeof c->tag, "%s", tag);
  snprintf(c->method, sizeof c->method, "%s", method);
  sim_world *w = i->node->w;
  c->started = w->now;
  sb_peer_call_opts co = {0};
  if (o) {
    co.has_timeout = o->has_timeout;
    co.timeout = o->timeout;
    co.aborted = o->aborted;
    co.try_call = o->try_call;
  }
  trace_peer(i, "call", method, tag, 0, co.try_call ? "tryCall" : "call", params);
  rc = sb_peer_rpc_call(i->p, w->now, (uint64_t)i->ncalls, method, params, &co);
  if (rc) {
    i->ncalls--;
    rc = machine(i, rc, "call");
  }
  inst_after(i);
  return rc;
}

int sim_peer_cancel(sim_peer_inst *i, const char *tag) {
  int rc = need_machine(i, "cancel");
  if (rc) return rc;
  long k = find_call(i, tag);
  if (k < 0) return fail(i, SB_ERR_NOT_FOUND, "cancel: no call '%s'", tag);
  trace_peer(i, "cancel", i->calls[k].method, tag, 0, NULL, NULL);
  rc = machine(i, sb_peer_rpc_cancel(i->p, i->node->w->now, (uint64_t)k + 1), "cancel");
  inst_after(i);
  return rc;
}

void sim_handler_spec_free(sim_handler_spec *s) {
  if (!s) return;
  cJSON_Delete(s->result);
  cJSON_Delete(s->data);
  free(s->message);
  memset(s, 0, sizeof *s);
}

static void spec_copy(sim_handler_spec *dst, const sim_handler_spec *src) {
  *dst = *src;
  dst->result = src->result ? cJSON_Duplicate(src->result, true) : NULL;
  dst->data = src->data ? cJSON_Duplicate(src->data, true) : NULL;
  dst->message = src->message ? strdup(src->message) : NULL;
}

/* Fill `reply` from `spec` (ownership of the copies goes to the peer). */
static void spec_reply(const sim_handler_spec *spec, const cJSON *params, sb_peer_reply *reply) {
  memset(reply, 0, sizeof *reply);
  if (spec->kind == SIM_HANDLER_ERROR) {
    reply->kind = SB_PEER_REPLY_ERROR;
    reply->code = spec->code;
    reply->message = spec->message ? spec->message : "";
    reply->data = spec->data ? cJSON_Duplicate(spec->data, true) : NULL;
    return;
  }
  reply->kind = SB_PEER_REPLY_RESULT;
  if (spec->kind == SIM_HANDLER_ECHO)
    reply->result = params ? cJSON_Duplicate(params, true) : NULL;
  else
    reply->result = spec->result ? cJSON_Duplicate(spec->result, true) : NULL;
}

static void delayed_fire(sim_world *w, void *obj, uint64_t k) {
  sim_peer_node *pn = obj;
  if (k >= pn->ndelayed) return;
  sim_delayed *d = &pn->delayed[k];
  if (d->done) return;
  d->done = true;
  sim_peer_inst *i = d->inst;
  sb_peer_reply reply;
  spec_reply(&d->spec, d->params, &reply);
  char cid[33];
  sb_sbp_frame_id_to_hex(d->cid, cid);
  trace_peer(i, "reply", NULL, NULL, 0, cid, NULL);
  int rc = sb_peer_rpc_reply(i->p, w->now, d->cid, &reply);
  if (rc) sim_world_internal(w, "%s: rpc_reply: %s", i->node->name, sb_err_name(rc));
  inst_after(i);
}

static size_t add_delayed(sim_peer_node *pn, sim_peer_inst *i, const uint8_t *cid, const sim_handler_spec *spec,
                          const cJSON *params, bool take) {
  if (pn->ndelayed == pn->delayed_cap) {
    pn->delayed_cap = pn->delayed_cap ? pn->delayed_cap * 2 : 16;
    pn->delayed = realloc(pn->delayed, pn->delayed_cap * sizeof *pn->delayed);
    if (!pn->delayed) abort();
  }
  sim_delayed *d = &pn->delayed[pn->ndelayed];
  memset(d, 0, sizeof *d);
  d->inst = i;
  memcpy(d->cid, cid, SB_RPC_CID_BYTES);
  if (take)
    d->spec = *spec;
  else
    spec_copy(&d->spec, spec);
  d->params = params ? cJSON_Duplicate(params, true) : NULL;
  return pn->ndelayed++;
}

static void handler_fn(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  hctx *h = ctx;
  sim_peer_inst *i = h->inst;
  sim_peer_node *pn = i->node->peer;
  sim_world *w = i->node->w;
  const sim_handler_spec *spec = &pn->handlers[h->slot].spec;
  char cid[33];
  sb_sbp_frame_id_to_hex(req->cid, cid);
  trace_peer(i, "request", req->method, NULL, 0, cid, req->params);
  if (spec->kind == SIM_HANDLER_DEFER) {
    reply->kind = SB_PEER_REPLY_DEFERRED;
    if (pn->npending == pn->pending_cap) {
      pn->pending_cap = pn->pending_cap ? pn->pending_cap * 2 : 16;
      pn->pending = realloc(pn->pending, pn->pending_cap * sizeof *pn->pending);
      if (!pn->pending) abort();
    }
    sim_pending_req *r = &pn->pending[pn->npending++];
    memset(r, 0, sizeof *r);
    r->inst = i;
    snprintf(r->method, sizeof r->method, "%s", req->method);
    memcpy(r->cid, req->cid, SB_RPC_CID_BYTES);
    return;
  }
  if (spec->delay > 0) {
    reply->kind = SB_PEER_REPLY_DEFERRED;
    size_t k = add_delayed(pn, i, req->cid, spec, req->params, false);
    sim_sched_push(&w->sched, w->now + spec->delay, delayed_fire, pn, k);
    return;
  }
  spec_reply(spec, req->params, reply);
}

int sim_peer_reply(sim_node *n, sim_peer_inst *i, const char *method, sim_handler_spec *spec) {
  sim_peer_node *pn = n->peer;
  for (size_t k = 0; k < pn->npending; k++) {
    sim_pending_req *r = &pn->pending[k];
    if (r->done || (i && r->inst != i) || (method && strcmp(r->method, method))) continue;
    r->done = true;
    size_t d = add_delayed(pn, r->inst, r->cid, spec, NULL, true);
    memset(spec, 0, sizeof *spec);
    sim_world *w = n->w;
    sim_sched_push(&w->sched, w->now + pn->delayed[d].spec.delay, delayed_fire, pn, d);
    return 0;
  }
  snprintf(n->w->err, sizeof n->w->err, "%s: no deferred request%s%s waits", n->name, method ? " for " : "",
           method ? method : "");
  sim_handler_spec_free(spec);
  return SB_ERR_NOT_FOUND;
}

static int sub_fn(void *ctx, const char *name, const cJSON *data) {
  hctx *h = ctx;
  sim_peer_inst *i = h->inst;
  const sim_sub_slot *s = &i->node->peer->subs[h->slot];
  char tag[16];
  snprintf(tag, sizeof tag, "%u", (unsigned)s->id);
  trace_peer(i, "event", name, tag, 0, s->text, data);
  return s->throws ? SB_ERR_STATE : 0;
}

static void install_one_handler(sim_peer_inst *i, int slot) {
  sim_peer_node *pn = i->node->peer;
  i->hc[slot] = (hctx){i, slot};
  int rc = sb_peer_rpc_handle(i->p, pn->handlers[slot].method, handler_fn, &i->hc[slot], &i->hid[slot]);
  if (rc) peer_note(i, "driver", "handler_not_installed", rc, pn->handlers[slot].method);
}

static int install_one_sub(sim_peer_inst *i, int slot) {
  sim_peer_node *pn = i->node->peer;
  i->sc[slot] = (hctx){i, slot};
  const sim_sub_slot *s = &pn->subs[slot];
  return s->pattern ? sb_peer_events_on_pattern(i->p, s->text, sub_fn, &i->sc[slot], &i->sid_of_sub[slot])
                    : sb_peer_events_on(i->p, s->text, sub_fn, &i->sc[slot], &i->sid_of_sub[slot]);
}

static void install_registrations(sim_peer_inst *i) {
  sim_peer_node *pn = i->node->peer;
  for (int s = 0; s < SIM_PEER_MAX_HANDLERS; s++)
    if (pn->handlers[s].used) install_one_handler(i, s);
  for (int s = 0; s < SIM_PEER_MAX_SUBS; s++)
    if (pn->subs[s].used) {
      int rc = install_one_sub(i, s);
      if (rc) peer_note(i, "driver", "subscription_not_installed", rc, pn->subs[s].text);
    }
}

/* Every machine of the node (the client, or each accepted peer). */
static size_t machines(sim_peer_node *pn, sim_peer_inst ***out) {
  if (!pn->server) {
    *out = &pn->client;
    return pn->client->raw ? 0 : 1;
  }
  *out = pn->acc;
  return pn->raw ? 0 : pn->nacc;
}

int sim_peer_handle(sim_node *n, const char *method, sim_handler_spec *spec, uint32_t *id) {
  sim_peer_node *pn = n->peer;
  sim_world *w = n->w;
  if (pn->raw) {
    sim_handler_spec_free(spec);
    snprintf(w->err, sizeof w->err, "%s: a raw peer has no machine", n->name);
    return SB_ERR_ARG;
  }
  int slot = -1;
  for (int s = 0; s < SIM_PEER_MAX_HANDLERS; s++) {
    if (pn->handlers[s].used && !strcmp(pn->handlers[s].method, method)) {
      sim_handler_spec_free(spec);
      snprintf(w->err, sizeof w->err, "%s: handle('%s') refused: %s rpc_method_already_registered", n->name,
               method, sb_err_name(SB_ERR_PEER_METHOD_REGISTERED));
      return SB_ERR_PEER_METHOD_REGISTERED;
    }
    if (!pn->handlers[s].used && slot < 0) slot = s;
  }
  if (slot < 0 || strlen(method) > SB_PEER_METHOD_MAX_BYTES) {
    sim_handler_spec_free(spec);
    snprintf(w->err, sizeof w->err, "%s: handle('%.64s') refused: too many handlers or method too long",
             n->name, method);
    return slot < 0 ? SB_ERR_FULL : SB_ERR_RANGE;
  }
  sim_handler_slot *h = &pn->handlers[slot];
  h->used = true;
  h->id = ++pn->next_handler_id;
  snprintf(h->method, sizeof h->method, "%s", method);
  h->spec = *spec;
  memset(spec, 0, sizeof *spec);
  sim_peer_inst **all;
  size_t count = machines(pn, &all);
  for (size_t k = 0; k < count; k++) install_one_handler(all[k], slot);
  *id = h->id;
  return 0;
}

int sim_peer_unhandle(sim_node *n, uint32_t id) {
  sim_peer_node *pn = n->peer;
  for (int s = 0; s < SIM_PEER_MAX_HANDLERS; s++) {
    if (!pn->handlers[s].used || pn->handlers[s].id != id) continue;
    sim_peer_inst **all;
    size_t count = machines(pn, &all);
    for (size_t k = 0; k < count; k++) sb_peer_rpc_unhandle(all[k]->p, all[k]->hid[s]);
    pn->handlers[s].used = false;
    sim_handler_spec_free(&pn->handlers[s].spec);
    return 0;
  }
  return 0; /* idempotent, as upstream's unsubscribe */
}

int sim_peer_on(sim_node *n, const char *name, bool pattern, bool throws, uint32_t *id) {
  sim_peer_node *pn = n->peer;
  sim_world *w = n->w;
  if (pn->raw) {
    snprintf(w->err, sizeof w->err, "%s: a raw peer has no machine", n->name);
    return SB_ERR_ARG;
  }
  int rc = pattern ? sb_events_pattern_validate(name, strlen(name))
                   : sb_events_pattern_validate_name(name, strlen(name));
  if (rc) {
    snprintf(w->err, sizeof w->err, "%s: %s('%s') refused: %s invalid_pattern (%s)", n->name,
             pattern ? "on_pattern" : "on", name, sb_err_name(rc), sb_err_str(rc));
    return rc;
  }
  int slot = -1;
  for (int s = 0; s < SIM_PEER_MAX_SUBS && slot < 0; s++)
    if (!pn->subs[s].used) slot = s;
  if (slot < 0) {
    snprintf(w->err, sizeof w->err, "%s: too many subscriptions", n->name);
    return SB_ERR_FULL;
  }
  sim_sub_slot *s = &pn->subs[slot];
  s->used = true;
  s->retired = false;
  s->id = ++pn->next_sub_id;
  s->pattern = pattern;
  s->throws = throws;
  snprintf(s->text, sizeof s->text, "%s", name);
  sim_peer_inst **all;
  size_t count = machines(pn, &all);
  for (size_t k = 0; k < count; k++) {
    rc = install_one_sub(all[k], slot);
    if (rc) peer_note(all[k], "driver", "subscription_not_installed", rc, name);
  }
  *id = s->id;
  return 0;
}

int sim_peer_off(sim_node *n, uint32_t id) {
  sim_peer_node *pn = n->peer;
  for (int s = 0; s < SIM_PEER_MAX_SUBS; s++) {
    if ((!pn->subs[s].used && !pn->subs[s].retired) || pn->subs[s].id != id) continue;
    /* Each machine's unsubscribe is called every time, so a second call
     * shows the machine's own idempotence (EVT-DSP-005). */
    sim_peer_inst **all;
    size_t count = machines(pn, &all);
    for (size_t k = 0; k < count; k++) sb_peer_events_off(all[k]->p, all[k]->sid_of_sub[s]);
    pn->subs[s].used = false;
    pn->subs[s].retired = true;
    return 0;
  }
  return 0;
}

int sim_peer_emit(sim_peer_inst *i, const char *name, const cJSON *data) {
  int rc = need_machine(i, "emit");
  if (rc) return rc;
  trace_peer(i, "emit", name, NULL, 0, NULL, data);
  rc = sb_peer_events_emit(i->p, i->node->w->now, name, data);
  if (rc) {
    const char *code = sb_peer_error_code(rc);
    rc = fail(i, rc, "emit('%s') refused: %s%s%s (%s)", name, sb_err_name(rc), code ? " " : "",
              code ? code : "", sb_err_str(rc));
  }
  inst_after(i);
  return rc;
}

int sim_peer_send_raw(sim_peer_inst *i, const uint8_t *bytes, size_t len) {
  sim_peer_node *pn = i->node->peer;
  if (pn->via)
    return fail(i, SB_ERR_ARG, "send_raw is for plain connections (over SBRP use %s:send)", pn->via->name);
  if (!i->pipe || i->pipe->dead || i->pipe->closed[i->index ? 1 : 0])
    return fail(i, SB_ERR_STATE, "send_raw: no open connection");
  trace_sbp(i, true, bytes, len);
  pipe_send(i->pipe, i->index ? SIM_DOWN : SIM_UP, bytes, len, i);
  return 0;
}

int sim_peer_drop_connection(sim_peer_inst *i) {
  sim_peer_node *pn = i->node->peer;
  if (pn->via)
    return fail(i, SB_ERR_ARG, "drop_connection: over SBRP drop %s's connection", pn->via->name);
  if (!i->pipe || i->pipe->dead || (i->pipe->closed[0] && i->pipe->closed[1]))
    return fail(i, SB_ERR_STATE, "drop_connection: no connection to drop");
  pipe_drop(i->pipe, i->index ? 1 : 0);
  return 0;
}

int sim_peer_listener_throws(sim_node *n, const char *name) {
  sim_peer_node *pn = n->peer;
  bool known = false;
  for (int k = SB_PEER_EVENT_STATE_CHANGE; k <= SB_PEER_EVENT_ERROR && !known; k++)
    known = !strcmp(sb_peer_event_name((sb_peer_event_kind)k), name);
  if (!known) {
    snprintf(n->w->err, sizeof n->w->err, "%s: no lifecycle event '%s'", n->name, name);
    return SB_ERR_ARG;
  }
  if (pn->nthrows == 8) {
    snprintf(n->w->err, sizeof n->w->err, "%s: too many throwing listeners", n->name);
    return SB_ERR_FULL;
  }
  snprintf(pn->throws[pn->nthrows++], sizeof pn->throws[0], "%s", name);
  return 0;
}

void sim_peer_set_driver(sim_node *n, const sim_peer_driver *d) {
  if (n && n->peer) n->peer->driver = d ? *d : (sim_peer_driver){0};
}

void *sim_peer_driver_ctx(const sim_node *n) { return n && n->peer ? n->peer->driver.ctx : NULL; }

sim_peer_inst *sim_peer_driven_connect(sim_node *n, uint32_t session) {
  sim_peer_node *pn = n->peer;
  if (!pn || !pn->target) return NULL;
  pn->out = realloc(pn->out, (pn->nout + 1) * sizeof *pn->out);
  if (!pn->out) abort();
  sim_peer_inst *i = inst_new(n, 0, true);
  pn->out[pn->nout++] = i;
  i->session = session;
  i->raw_connecting = true;
  i->pipe = pipe_new(i, pn->target);
  trace_link(n, pn->target, i->pipe->id, "connect", 0, NULL);
  pipe_queue(i->pipe, SIM_UP, PM_UPGRADE, NULL, 0);
  return i;
}

int sim_peer_inst_close(sim_peer_inst *i, int code) {
  if (!i->pipe) return SB_ERR_STATE;
  pipe_close_code(i->pipe, i->index ? 1 : 0, code);
  i->raw_closed = true;
  i->raw_state_open = false;
  return 0;
}

int sim_peer_server_close(sim_node *n) {
  sim_peer_node *pn = n->peer;
  if (pn->closed_server) return 0; /* idempotent (PEER-SRV-004) */
  pn->closed_server = true;
  sim_rec r = {.kind = SIM_REC_PEER, .node = n->index, .peer = -1, .what = "server_close",
               .text = "stops accepting, then disconnects every accepted peer"};
  sim_world_trace(n->w, &r);
  for (uint32_t k = 0; k < pn->nacc; k++) (void)sim_peer_disconnect(pn->acc[k]);
  return 0;
}

/* ---- SBP frame summaries and the trace's members ---------------------------------------- */

static void json_str_field(const cJSON *o, const char *key, char *out, size_t cap) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (cJSON_IsString(v) && v->valuestring) snprintf(out, cap, "%s", v->valuestring);
}

void sim_sbp_describe(const uint8_t *bytes, size_t len, sim_sbp_info *out) {
  memset(out, 0, sizeof *out);
  out->kind = len >= 1 ? bytes[0] : -1;
  out->kind_name = len >= 1 ? sb_sbp_kind_name(bytes[0]) : NULL;
  if (len >= SB_SBP_MIN_FRAME_BYTES) {
    out->has_id = true;
    sb_sbp_frame_id_to_hex(bytes + SB_SBP_HEADER_BYTES, out->id);
  }
  sb_sbp_frame f;
  int rc = sb_sbp_frame_decode(bytes, len, &f);
  if (rc) {
    out->err = rc;
    return;
  }
  switch (f.kind) {
    case SB_SBP_KIND_CONTROL:
      out->has_op = true;
      out->op = f.control.op;
      out->op_name = sb_sbp_op_name(f.control.op);
      out->data = f.control.data;
      out->data_len = f.control.data_len;
      break;
    case SB_SBP_KIND_MESSAGE: {
      out->has_subject = true;
      size_t n = f.message.subject_len < sizeof out->subject - 1 ? f.message.subject_len : sizeof out->subject - 1;
      memcpy(out->subject, f.message.subject, n);
      out->subject[n] = '\0';
      out->data = f.message.data;
      out->data_len = f.message.data_len;
      cJSON *env = cJSON_ParseWithLength((const char *)f.message.data, f.message.data_len);
      if (cJSON_IsObject(env)) {
        json_str_field(env, "t", out->env_t, sizeof out->env_t);
        json_str_field(env, "m", out->env_m, sizeof out->env_m);
        json_str_field(env, "e", out->env_e, sizeof out->env_e);
        json_str_field(env, "cid", out->env_cid, sizeof out->env_cid);
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(env, "code");
        if (cJSON_IsNumber(c)) {
          out->has_env_code = true;
          out->env_code = c->valuedouble;
        }
      }
      cJSON_Delete(env);
      break;
    }
    case SB_SBP_KIND_ACK: sb_sbp_frame_id_to_hex(f.ack.ack_frame_id, out->ack_id); break;
    case SB_SBP_KIND_ERROR: {
      out->has_code = true;
      out->code = f.error.code;
      size_t n = f.error.message_len < sizeof out->message - 1 ? f.error.message_len : sizeof out->message - 1;
      memcpy(out->message, f.error.message, n);
      out->message[n] = '\0';
      break;
    }
    default: break;
  }
}

static void add_str(sim_buf *b, const char *key, const char *val) {
  sim_buf_printf(b, ",\"%s\":", key);
  sim_buf_json_str(b, val);
}

static void add_text(sim_buf *b, const char *key, const uint8_t *p, size_t n) {
  char *s = malloc(n + 1);
  if (!s) abort();
  memcpy(s, p, n);
  s[n] = '\0';
  for (size_t k = 0; k < n; k++)
    if (!s[k]) s[k] = '?';
  add_str(b, key, s);
  free(s);
}

void sim_peer_format_record(const sim_trace *tr, const sim_rec *r, sim_buf *b) {
  if (r->kind == SIM_REC_SBP) {
    sim_buf_printf(b, ",\"dir\":\"%s\"", r->sent ? "send" : "recv");
    sim_buf_printf(b, ",\"session\":%lld", (long long)r->num);
    if (r->has_sid)
      sim_buf_printf(b, ",\"sid\":\"%016llx\"", (unsigned long long)r->sid);
    else
      sim_buf_add(b, ",\"sid\":null", 11);
    sim_buf_printf(b, ",\"conn\":%u", r->conn);
    add_str(b, "peer", r->peer >= 0 ? sim_trace_name(tr, r->peer) : NULL);
    sim_sbp_info si;
    sim_sbp_describe(r->bytes, r->len, &si);
    if (si.kind_name)
      add_str(b, "kind", si.kind_name);
    else if (si.kind >= 0)
      sim_buf_printf(b, ",\"kind\":\"0x%02x\"", (unsigned)si.kind);
    else
      sim_buf_add(b, ",\"kind\":null", 12);
    add_str(b, "id", si.has_id ? si.id : NULL);
    if (si.has_op) {
      add_str(b, "op", si.op_name ? si.op_name : "unknown");
      if (si.op == SB_SBP_OP_HANDSHAKE || si.op == SB_SBP_OP_CLOSE) add_text(b, "data", si.data, si.data_len);
    }
    if (si.has_subject) {
      add_str(b, "subject", si.subject);
      /* the envelope's summary (rpc.md section 2), when the data is a JSON object */
      if (si.env_t[0] || si.env_cid[0] || si.has_env_code) {
        sim_buf_add(b, ",\"env\":{", 8);
        const char *sep = "";
        const char *k[] = {"t", "m", "e", "cid"};
        const char *v[] = {si.env_t, si.env_m, si.env_e, si.env_cid};
        for (int j = 0; j < 4; j++) {
          if (!v[j][0]) continue;
          sim_buf_printf(b, "%s\"%s\":", sep, k[j]);
          sim_buf_json_str(b, v[j]);
          sep = ",";
        }
        if (si.has_env_code) sim_buf_printf(b, "%s\"code\":%.17g", sep, si.env_code);
        sim_buf_add(b, "}", 1);
      }
    }
    if (si.has_code) {
      sim_buf_printf(b, ",\"code\":%u", si.code);
      add_str(b, "message", si.message);
    }
    if (si.ack_id[0]) add_str(b, "ack", si.ack_id);
    if (si.err) add_str(b, "malformed", sb_err_name(si.err));
    sim_buf_printf(b, ",\"len\":%zu,\"bytes\":\"", r->len);
    sim_buf_hex(b, r->bytes, r->len);
    sim_buf_add(b, "\"", 1);
    return;
  }
  /* SIM_REC_PEER */
  add_str(b, "what", r->what);
  if (r->has_num)
    sim_buf_printf(b, ",\"session\":%lld", (long long)r->num);
  else
    sim_buf_add(b, ",\"session\":null", 15);
  add_str(b, "tag", r->tag);
  add_str(b, "name", r->name);
  add_str(b, "err", err_label(r->code));
  add_str(b, "text", r->text);
  sim_buf_add(b, ",\"value\":", 9);
  if (r->json)
    sim_buf_add(b, r->json, strlen(r->json));
  else
    sim_buf_add(b, "null", 4);
}
