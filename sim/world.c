/*
 * The world's core (world.h): random streams, durations, the scheduler, the
 * clock, node lookup, trace and capture plumbing. Nodes are in sim_node.c,
 * links, faults and the adversary in sim_link.c.
 */
#include "world.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "sim_peer.h"

/* ---- random streams ---------------------------------------------------------- */

static uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static uint64_t fnv1a64(const char *s) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (; *s; s++) {
    h ^= (uint8_t)*s;
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

uint64_t sim_stream_seed(uint64_t world_seed, const char *name) {
  return splitmix64(world_seed ^ splitmix64(fnv1a64(name)));
}

void sim_stream_init(sb_xoshiro *x, uint64_t world_seed, const char *name) {
  sb_xoshiro_seed(x, sim_stream_seed(world_seed, name));
}

uint64_t sim_stream_below(sb_xoshiro *x, uint64_t bound) {
  if (bound == 0) return 0;
  uint64_t limit = UINT64_MAX - UINT64_MAX % bound; /* values >= limit would bias */
  for (;;) {
    uint64_t v = sb_xoshiro_next(x);
    if (v < limit) return v % bound;
  }
}

/* ---- durations ---------------------------------------------------------------- */

int sim_duration_parse(const char *s, sb_time_us *out) {
  if (!s || !*s) return -1;
  if (!strcmp(s, "0")) {
    *out = 0;
    return 0;
  }
  const char *p = s;
  uint64_t whole = 0, frac = 0, frac_scale = 1;
  int digits = 0;
  while (*p >= '0' && *p <= '9') {
    if (whole > UINT64_C(1000000000000)) return -1;
    whole = whole * 10 + (uint64_t)(*p++ - '0');
    digits++;
  }
  if (*p == '.') {
    p++;
    while (*p >= '0' && *p <= '9') {
      if (frac_scale < UINT64_C(1000000000)) {
        frac = frac * 10 + (uint64_t)(*p - '0');
        frac_scale *= 10;
      } else if (*p != '0') {
        return -1; /* finer than a nanosecond of a second: not representable */
      }
      p++;
      digits++;
    }
  }
  if (!digits) return -1;
  uint64_t unit;
  if (!strcmp(p, "us"))
    unit = 1;
  else if (!strcmp(p, "ms"))
    unit = 1000;
  else if (!strcmp(p, "s"))
    unit = 1000000;
  else if (!strcmp(p, "m"))
    unit = 60000000;
  else if (!strcmp(p, "h"))
    unit = UINT64_C(3600000000);
  else
    return -1;
  uint64_t us = whole * unit;
  if (whole && us / whole != unit) return -1;
  /* The fraction must land on a whole microsecond ("1.5us" is refused). */
  uint64_t f = frac * unit;
  if (f % frac_scale) return -1;
  us += f / frac_scale;
  if (us > (uint64_t)INT64_MAX / 2) return -1;
  *out = (sb_time_us)us;
  return 0;
}

void sim_duration_format(sb_time_us d, char *out, size_t cap) {
  if (d < 0 || d == 0) {
    snprintf(out, cap, d ? "%lldus" : "0s", (long long)d);
    return;
  }
  if (d % INT64_C(3600000000) == 0) {
    snprintf(out, cap, "%lldh", (long long)(d / INT64_C(3600000000)));
    return;
  }
  if (d % 60000000 == 0) {
    snprintf(out, cap, "%lldm", (long long)(d / 60000000));
    return;
  }
  /* Seconds (or milliseconds) with the fraction's trailing zeros dropped. */
  sb_time_us unit = d >= 1000000 ? 1000000 : d >= 1000 ? 1000 : 1;
  int digits = unit == 1000000 ? 6 : unit == 1000 ? 3 : 0;
  char frac[8] = "";
  if (digits) {
    snprintf(frac, sizeof frac, "%0*lld", digits, (long long)(d % unit));
    for (int k = digits - 1; k >= 0 && frac[k] == '0'; k--) frac[k] = '\0';
  }
  snprintf(out, cap, "%lld%s%s%s", (long long)(d / unit), frac[0] ? "." : "", frac,
           unit == 1000000 ? "s" : unit == 1000 ? "ms" : "us");
}

/* ---- scheduler ------------------------------------------------------------------ */

void sim_sched_init(sim_sched *s) { memset(s, 0, sizeof *s); }

void sim_sched_free(sim_sched *s) {
  free(s->heap);
  memset(s, 0, sizeof *s);
}

/* (t, seq) order, without branches: which child is earlier is a coin toss
 * the branch predictor loses half the time. */
static inline bool ev_before(const sim_event *a, const sim_event *b) {
  return (a->t < b->t) | ((a->t == b->t) & (a->seq < b->seq));
}

uint64_t sim_sched_push(sim_sched *s, sb_time_us t, sim_event_fn fn, void *obj, uint64_t arg) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 256;
    s->heap = sim_xrealloc(s->heap, s->cap * sizeof *s->heap);
  }
  sim_event e = {t, s->next_seq++, fn, obj, arg};
  size_t i = s->n++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!ev_before(&e, &s->heap[parent])) break;
    s->heap[i] = s->heap[parent];
    i = parent;
  }
  s->heap[i] = e;
  return e.seq;
}

/* Bottom-up deletion: the hole left at the root walks down to a leaf along
 * the earlier child (one comparison per level), then the last event climbs
 * back from there, usually by no level at all. Keys are unique (seq), so the
 * order events come out in is that of (t, seq) whatever the heap's shape. */
bool sim_sched_pop(sim_sched *s, sim_event *out) {
  if (s->n == 0) return false;
  sim_event *h = s->heap;
  *out = h[0];
  size_t n = --s->n;
  if (n == 0) return true;
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n) c += ev_before(&h[c + 1], &h[c]);
    h[i] = h[c];
    i = c;
  }
  const sim_event last = h[n];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!ev_before(&last, &h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = last;
  return true;
}

sb_time_us sim_sched_next_time(const sim_sched *s) {
  return s->n ? s->heap[0].t : SB_TIME_NEVER;
}

/* ---- the world ------------------------------------------------------------------ */

void sim_world_config_default(sim_world_config *c) {
  memset(c, 0, sizeof *c);
  c->seed = 1;
  c->latency = SB_TIME_MS(5);
  c->jitter = 0;
  c->epoch_s = SIM_EPOCH_S;
}

sim_world *sim_world_new(const sim_world_config *cfg, FILE *trace_file) {
  sim_world *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->cfg = *cfg;
  sim_sched_init(&w->sched);
  sim_trace_init(&w->trace, trace_file);
  sim_node *c = calloc(1, sizeof *c);
  if (!c) {
    free(w);
    return NULL;
  }
  c->w = w;
  c->index = 0;
  c->addr = 0;
  c->kind = SIM_CONTROL;
  snprintf(c->name, sizeof c->name, "control");
  w->nodes[w->nnodes++] = c;
  sim_trace_set_name(&w->trace, 0, c->name);
  if (sim_control_init(&w->control, cfg->seed, cfg->epoch_s) != 0) {
    sim_world_free(w);
    return NULL;
  }
  return w;
}

void sim_world_free(sim_world *w) {
  if (!w) return;
  for (int i = 0; i < w->nnodes; i++) sim_node_free(w->nodes[i]);
  /* A message waiting on a stalled link belongs to the link (freed first,
   * before any scheduled one is), a scheduled one to its event. */
  for (size_t i = 0; i < w->nlinks; i++) sim_link_free(w->links[i]);
  sim_event e;
  while (sim_sched_pop(&w->sched, &e))
    if (e.fn == sim_link_arrive) sim_msg_free(e.obj);
  free(w->links);
  free(w->keyed);
  sim_peer_world_free(w);
  sim_sched_free(&w->sched);
  sim_trace_free(&w->trace);
  free(w);
}

void sim_world_set_pcap(sim_world *w, sim_pcap *pcap) { w->pcap = pcap; }

void sim_world_set_keylog(sim_world *w, sim_keylog *keylog) { w->keylog = keylog; }

void sim_world_internal(sim_world *w, const char *fmt, ...) {
  if (w->internal[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->internal, sizeof w->internal, fmt, ap);
  va_end(ap);
  sim_rec r = {.kind = SIM_REC_INFO, .node = -1, .peer = -1, .what = "internal_error",
               .text = w->internal};
  sim_world_trace(w, &r);
}

void sim_world_trace(sim_world *w, sim_rec *r) {
  r->t = w->now;
  sim_trace_add(&w->trace, r);
}

bool sim_world_step(sim_world *w) {
  if (w->internal[0]) return false;
  /* Between events no reader holds a record: old ones can go (trace.h). */
  if (sim_trace_release_due(&w->trace)) sim_trace_release(&w->trace);
  sim_event e;
  if (!sim_sched_pop(&w->sched, &e)) return false;
  if (e.t > w->now) {
    w->now = e.t;
    w->instant_events = 0;
  }
  if (++w->instant_events > SIM_MAX_EVENTS_PER_INSTANT) {
    sim_world_internal(w, "more than %u events at t=%lldus: the run does not progress",
                       SIM_MAX_EVENTS_PER_INSTANT, (long long)w->now);
    return false;
  }
  if (++w->events > SIM_MAX_EVENTS) {
    sim_world_internal(w, "more than %llu events: the run does not end",
                       (unsigned long long)SIM_MAX_EVENTS);
    return false;
  }
  e.fn(w, e.obj, e.arg);
  return true;
}

void sim_world_run_to(sim_world *w, sb_time_us t) {
  while (!w->internal[0] && sim_sched_next_time(&w->sched) <= t)
    if (!sim_world_step(w)) break;
  if (t > w->now && !w->internal[0]) {
    w->now = t;
    w->instant_events = 0;
  }
}

sim_node *sim_world_node(const sim_world *w, const char *name) {
  for (int i = 0; i < w->nnodes; i++)
    if (!strcmp(w->nodes[i]->name, name)) return w->nodes[i];
  return NULL;
}

uint64_t sim_world_pcap_time(sim_world *w) {
  uint64_t t = (uint64_t)w->cfg.epoch_s * 1000000u + (uint64_t)w->now;
  return t > w->pcap_next ? t : w->pcap_next;
}

void sim_world_pcap_done(sim_world *w, uint64_t t, uint64_t packets_before) {
  uint64_t n = w->pcap ? w->pcap->packets - packets_before : 0;
  if (t + n > w->pcap_next) w->pcap_next = t + n;
}
