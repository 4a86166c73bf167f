/*
 * Simulator benchmarks (sim_bench.h).
 *
 *   sim_events  scheduler events per second: push and run no-op events in a
 *               world, times spread over a window (ties included)
 *   sim_frames  Data frames per second delivered client -> relay -> daemon in
 *               a simulated world (seal, upgrade-free steady state, relay
 *               validation and forwarding, open, every step traced and
 *               hashed), against the bare seal + open of the same frames
 *               (ref/sbrp/session.h) as baseline; the ratio says what the
 *               simulation costs on top of the cryptography
 *
 * Built as its own program with -DSIM_BENCH_MAIN (Makefile, bench-sim);
 * inside sbconf the file only adds sim_bench_run.
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_bench.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sbrp/handshake.h"
#include "sbrp/session.h"
#include "world.h"

#define FRAME_PLAINTEXT 64

static double wall_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void noop(sim_world *w, void *obj, uint64_t arg) {
  (void)w;
  (void)obj;
  (void)arg;
}

/* Scheduler events per second (push + pop + dispatch), n events in batches. */
static double bench_events(long n) {
  sim_world_config c;
  sim_world_config_default(&c);
  sim_world *w = sim_world_new(&c, NULL);
  if (!w) return 0;
  sb_xoshiro x;
  sim_stream_init(&x, 1, "bench/events");
  double t0 = wall_s();
  long done = 0;
  while (done < n) {
    for (int i = 0; i < 4096; i++)
      sim_sched_push(&w->sched, w->now + (sb_time_us)sim_stream_below(&x, 1000), noop, NULL, 0);
    while (sim_world_step(w)) done++;
  }
  double t = wall_s() - t0;
  sim_world_free(w);
  return (double)done / t;
}

/* Frames per second delivered end to end; *count gets how many arrived. */
static double bench_frames(long n, long *count) {
  sim_world_config c;
  sim_world_config_default(&c);
  sim_world *w = sim_world_new(&c, NULL);
  sim_node *cl = w ? sim_world_add_pair(w) : NULL;
  if (!cl) {
    fprintf(stderr, "sim-bench: could not set up the world: %s\n", w ? w->err : "no memory");
    sim_world_free(w);
    return 0;
  }
  uint8_t pt[FRAME_PLAINTEXT];
  memset(pt, 0x5a, sizeof pt);
  uint64_t first = w->trace.kinds[SIM_REC_DELIVER];
  double t0 = wall_s();
  for (long i = 0; i < n; i++) {
    if (sim_node_send(cl, 0, pt, sizeof pt) != 0) break;
    if (i % 100 == 99) sim_world_run_to(w, w->now + SB_TIME_MS(1));
  }
  sim_world_run_to(w, w->now + SB_TIME_S(1));
  double t = wall_s() - t0;
  long got = (long)(w->trace.kinds[SIM_REC_DELIVER] - first);
  *count = got;
  sim_world_free(w);
  return (double)got / t;
}

/* Peak resident set of the process so far, in bytes. */
static long peak_rss_bytes(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
  return ru.ru_maxrss * 1024L; /* Linux: kilobytes */
}

static void count_delivery(void *ctx, sim_node *node, uint64_t sid, const uint8_t *data, size_t len) {
  (void)node;
  (void)sid;
  (void)data;
  (void)len;
  ++*(long *)ctx;
}

/* A long run: n Data frames client -> relay -> daemon; the growth of the
 * peak resident set per delivered frame (bytes), *count the frames delivered,
 * *peak the peak resident set at the end. */
static double bench_memory(long n, long *count, long *peak) {
  long before = peak_rss_bytes();
  sim_world_config c;
  sim_world_config_default(&c);
  sim_world *w = sim_world_new(&c, NULL);
  sim_node *cl = w ? sim_world_add_pair(w) : NULL;
  if (!cl) {
    fprintf(stderr, "sim-bench: could not set up the world: %s\n", w ? w->err : "no memory");
    sim_world_free(w);
    return 0;
  }
  sim_node *dn = sim_world_node(w, "d");
  long got = 0;
  sim_app app = {.name = "bench", .deliver = count_delivery, .ctx = &got};
  sim_node_set_app(dn, &app);
  uint8_t pt[FRAME_PLAINTEXT];
  memset(pt, 0x5a, sizeof pt);
  for (long i = 0; i < n; i++) {
    if (sim_node_send(cl, 0, pt, sizeof pt) != 0) break;
    if (i % 100 == 99) sim_world_run_to(w, w->now + SB_TIME_MS(1));
  }
  sim_world_run_to(w, w->now + SB_TIME_S(1));
  *count = got;
  *peak = peak_rss_bytes();
  sim_world_free(w);
  return got && before >= 0 && *peak >= before ? (double)(*peak - before) / (double)got : -1;
}

/* The same frames sealed and opened with nothing around them: frames/s. */
static double bench_aead(long n) {
  sb_sbrp_session_keys k;
  memset(k.c2d, 1, sizeof k.c2d);
  memset(k.d2c, 2, sizeof k.d2c);
  sb_sbrp_session tx, rx;
  if (sb_sbrp_session_init(&tx, SB_SBRP_ROLE_CLIENT, 7, &k, NULL) != 0 ||
      sb_sbrp_session_init(&rx, SB_SBRP_ROLE_DAEMON, 7, &k, NULL) != 0)
    return 0;
  uint8_t pt[FRAME_PLAINTEXT], frame[256], out[256];
  memset(pt, 0x5a, sizeof pt);
  double t0 = wall_s();
  long ok = 0;
  for (long i = 0; i < n; i++) {
    size_t len = 0, olen = 0;
    sb_sbrp_frame f;
    if (sb_sbrp_session_seal(&tx, pt, sizeof pt, frame, sizeof frame, &len) == 0 &&
        sb_sbrp_frame_decode(frame, len, &f) == 0 &&
        sb_sbrp_session_open(&rx, &f, out, sizeof out, &olen, NULL) == 0)
      ok++;
  }
  double t = wall_s() - t0;
  return ok == n ? (double)n / t : 0;
}

int sim_bench_run(const char *json_path, bool quick, double suite_seconds) {
  long nev = quick ? 200000 : 4000000, nfr = quick ? 2000 : 40000, naead = quick ? 20000 : 400000;
  long nmem = quick ? 100000 : 1000000, mem_frames = 0, mem_peak = 0;
  double mem = bench_memory(nmem, &mem_frames, &mem_peak); /* first: the process's peak is its own */
  if (mem < 0 || mem_frames != nmem) {
    fprintf(stderr, "sim-bench: the memory run failed (%ld of %ld frames delivered)\n", mem_frames, nmem);
    return 70;
  }
  double ev = bench_events(nev);
  long delivered = 0;
  double fr = bench_frames(nfr, &delivered);
  double ae = bench_aead(naead);
  if (ev <= 0 || fr <= 0 || ae <= 0 || delivered != nfr) {
    fprintf(stderr, "sim-bench: a measurement failed (%ld of %ld frames delivered)\n", delivered, nfr);
    return 70;
  }
  printf("%-12s %14.0f events/s\n", "sim_events", ev);
  printf("%-12s %14.0f frames/s   bare seal+open %12.0f frames/s   ratio %.4f\n", "sim_frames", fr, ae,
         fr / ae);
  printf("%-12s %14.1f bytes/frame (peak resident %.1f MiB after %ld frames)\n", "sim_memory", mem,
         (double)mem_peak / (1024.0 * 1024.0), mem_frames);
  FILE *f = fopen(json_path, "w");
  if (!f) {
    fprintf(stderr, "sim-bench: cannot write %s\n", json_path);
    return 70;
  }
  fprintf(f,
          "[\n  {\"name\": \"sim_events\", \"value\": %.1f, \"unit\": \"events/s\", \"baseline\": null, \"ratio\": null, "
          "\"about\": \"`sim_events`: %ld no-op events pushed and run by the simulator's scheduler (one "
          "priority queue ordered by time and insertion), with ties; no baseline.\"},\n",
          ev, nev);
  fprintf(f,
          "  {\"name\": \"sim_frames\", \"value\": %.1f, \"unit\": \"frames/s\", \"baseline\": %.1f, \"ratio\": %.5f, "
          "\"frames\": %ld, \"plaintext_bytes\": %d, \"about\": \"`sim_frames`: %ld Data frames of %d "
          "bytes delivered client -> relay -> daemon in a simulated world (seal, relay validation and "
          "forwarding, open, every step traced as JSON and hashed) against the bare seal + open of the "
          "same frames (baseline).\"}",
          fr, ae, fr / ae, delivered, FRAME_PLAINTEXT, delivered, FRAME_PLAINTEXT);
  fprintf(f,
          ",\n  {\"name\": \"sim_memory\", \"value\": %.1f, \"unit\": \"bytes/frame\", \"baseline\": null, "
          "\"ratio\": null, \"frames\": %ld, \"peak_rss_bytes\": %ld, \"about\": \"`sim_memory`: growth of the "
          "peak resident memory (getrusage ru_maxrss) per Data frame over a long run of %ld frames of %d bytes "
          "client -> relay -> daemon (every step traced and hashed, the wires' history, the layer "
          "invariant); a run that keeps what it no longer needs grows with its length, a bounded one "
          "tends to 0; no baseline.\"}",
          mem, mem_frames, mem_peak, mem_frames, FRAME_PLAINTEXT);
  if (suite_seconds >= 0) {
    printf("%-12s %14.2f s wall for the scenario suite\n", "scenarios", suite_seconds);
    fprintf(f, ",\n  {\"name\": \"scenario_suite\", \"value\": %.3f, \"unit\": \"s\", \"baseline\": null, "
               "\"ratio\": null, \"about\": \"`scenario_suite`: wall time of `sbconf run scenarios` "
               "(every scenario once, seed 1); no baseline.\"}", suite_seconds);
  }
  fprintf(f, "\n]\n");
  return fclose(f) == 0 ? 0 : 70;
}

#ifdef SIM_BENCH_MAIN
int main(int argc, char **argv) {
  bool quick = false;
  double suite = -1;
  const char *json = "build/bench-sim.json";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) {
      quick = true;
    } else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
      json = argv[++i];
    } else if (!strcmp(argv[i], "--suite-seconds") && i + 1 < argc) {
      suite = atof(argv[++i]);
    } else {
      fprintf(stderr, "usage: sim-bench [--quick] [--json FILE] [--suite-seconds S]\n");
      return 2;
    }
  }
  if (sodium_init() < 0) return 70;
  return sim_bench_run(json, quick, suite);
}
#endif
