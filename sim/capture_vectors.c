/*
 * `sbconf capture vectors DIR OUT.pcap [--index FILE]`: every frame of the
 * vector files as a WebSocket binary message, for dissecting each one.
 *
 * Frames taken: `input.frame` of every case (valid, invalid, acceptable) and
 * `output.frame` of valid cases (what the encoders produce). Where they go:
 *   sbp.*                       SBP connection, client -> server
 *   sbrp.relay.validate         the connection of `input.sender` (client or
 *                               daemon), endpoint -> relay
 *   other sbrp.*                a client's relay connection, relay -> client
 *                               (what an endpoint decodes)
 * Each frame is written twice: once on connections that negotiate the
 * subprotocols (sbrp.v1, sideband.v1: handed to the dissector without a
 * heuristic) and once on connections without one (the `ws` heuristic
 * decides). The index file has one line per message:
 *   packet conn mode file tcId result type source
 * where packet is the number of the packet that completes the message.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "common/hex.h"
#include "pcap.h"
#include "sbconf.h"
#include "vec_file.h"

enum { C_CLIENT, C_DAEMON, C_SBP, C_COUNT };
static const char *const conn_names[C_COUNT] = {"sbrp-client", "sbrp-daemon", "sbp"};

typedef struct vcap {
  sim_pcap pcap;
  sim_capture_rng r;
  sim_pcap_ws ws[2][C_COUNT]; /* [0] with subprotocol, [1] heuristic */
  FILE *index;
  uint64_t t;
  size_t messages;
  int err;
} vcap;

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The vector files under `dir` and one level of subdirectories, sorted. */
static int list_files(const char *dir, char ***out, size_t *n, int depth) {
  DIR *dp = opendir(dir);
  if (!dp) return -1;
  struct dirent *e;
  char **names = NULL;
  size_t cnt = 0, cap = 0;
  while ((e = readdir(dp)) != NULL) {
    if (e->d_name[0] == '.') continue;
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    char *path = malloc(len);
    if (!path) break;
    snprintf(path, len, "%s/%s", dir, e->d_name);
    if (cnt == cap) {
      cap = cap ? cap * 2 : 32;
      char **nn = realloc(names, cap * sizeof *names);
      if (!nn) {
        free(path);
        break;
      }
      names = nn;
    }
    names[cnt++] = path;
  }
  closedir(dp);
  qsort(names, cnt, sizeof *names, cmp_str);
  for (size_t i = 0; i < cnt; i++) {
    struct stat st;
    if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      if (depth == 0) list_files(names[i], out, n, 1);
      free(names[i]);
      continue;
    }
    size_t l = strlen(names[i]);
    if (l > 5 && !strcmp(names[i] + l - 5, ".json") && sbv_file_is_vector_file(names[i])) {
      char **nn = realloc(*out, (*n + 1) * sizeof **out);
      if (!nn) {
        free(names[i]);
        continue;
      }
      *out = nn;
      (*out)[(*n)++] = names[i];
    } else {
      free(names[i]);
    }
  }
  free(names);
  return 0;
}

static void put_frame(vcap *v, int conn, bool from_client, const uint8_t *frame, size_t len,
                      const char *file, long tcid, const char *result, const char *type,
                      const char *source) {
  for (int mode = 0; mode < 2 && !v->err; mode++) {
    uint64_t pkt = sim_pcap_ws_send(&v->ws[mode][conn], from_client, SIM_WS_BINARY, frame, len, v->t);
    if (!pkt) {
      v->err = 1;
      return;
    }
    v->t += 100;
    if (v->index)
      fprintf(v->index, "%llu\t%s\t%s\t%s\t%ld\t%s\t%s\t%s\n", (unsigned long long)pkt,
              conn_names[conn], mode ? "heuristic" : "subprotocol", file, tcid, result, type,
              source);
    v->messages++;
  }
}

static void place(const char *type, const cJSON *input, int *conn, bool *from_client) {
  if (!strncmp(type, "sbp.", 4) || strncmp(type, "sbrp.", 5)) {
    *conn = C_SBP;
    *from_client = true;
  } else if (!strcmp(type, "sbrp.relay.validate")) {
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(input, "sender");
    bool daemon = cJSON_IsString(s) && !strcmp(s->valuestring, "daemon");
    *conn = daemon ? C_DAEMON : C_CLIENT;
    *from_client = true;
  } else {
    *conn = C_CLIENT;
    *from_client = false;
  }
}

static void take(vcap *v, const char *file, const sbv_group *g, const sbv_test *t,
                 const cJSON *obj, const char *source) {
  const cJSON *fr = cJSON_GetObjectItemCaseSensitive(obj, "frame");
  if (!cJSON_IsString(fr)) return;
  size_t hl = strlen(fr->valuestring);
  uint8_t *buf = malloc(hl / 2 + 1);
  size_t n = 0;
  if (!buf) {
    v->err = 1;
    return;
  }
  if (sb_hex_decode(fr->valuestring, hl, buf, hl / 2 + 1, &n) == 0 && n > 0) {
    int conn;
    bool from_client;
    place(g->type, t->input, &conn, &from_client);
    put_frame(v, conn, from_client, buf, n, file, t->tcid, sbv_expect_name(t->expect), g->type,
              source);
  }
  free(buf);
}

int sim_capture_vectors(const char *dir, const char *pcap_path, const char *index_path) {
  static vcap v;
  memset(&v, 0, sizeof v);
  char **files = NULL;
  size_t nfiles = 0;
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "sbconf capture vectors: %s: not a directory\n", dir);
    return SBCONF_EXIT_NOT_FOUND;
  }
  list_files(dir, &files, &nfiles, 0);
  if (sim_pcap_open(&v.pcap, pcap_path) != 0) {
    fprintf(stderr, "sbconf capture vectors: %s: cannot create: %s\n", pcap_path, strerror(errno));
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    return SBCONF_EXIT_NOT_FOUND;
  }
  if (index_path) {
    v.index = fopen(index_path, "w");
    if (!v.index) {
      fprintf(stderr, "sbconf capture vectors: %s: cannot create: %s\n", index_path, strerror(errno));
      sim_pcap_close(&v.pcap);
      for (size_t i = 0; i < nfiles; i++) free(files[i]);
      free(files);
      return SBCONF_EXIT_NOT_FOUND;
    }
    fprintf(v.index, "packet\tconn\tmode\tfile\ttcId\tresult\ttype\tsource\n");
  }
  sim_capture_rng_init(&v.r, 6);
  v.t = SIM_CAPTURE_EPOCH_US;
  static const char *const subprotocols[C_COUNT] = {SIM_CAPTURE_SBRP_SUBPROTOCOL,
                                                    SIM_CAPTURE_SBRP_SUBPROTOCOL,
                                                    SIM_CAPTURE_SBP_SUBPROTOCOL};
  for (int mode = 0; mode < 2; mode++)
    for (int c = 0; c < C_COUNT; c++) {
      sim_pcap_ws_options o = {.target = c == C_SBP ? "/sbp" : "/v1/connect?token=vectors",
                               .subprotocol = mode ? NULL : subprotocols[c]};
      unsigned node = 10u + (unsigned)(mode * C_COUNT + c);
      uint16_t srv = c == C_SBP ? SIM_CAPTURE_DIRECT_PORT : SIM_CAPTURE_RELAY_PORT;
      if (sim_pcap_ws_open(&v.ws[mode][c], &v.pcap, node, (uint16_t)(51000 + node), c == C_SBP ? 2 : 1,
                           srv, &o, &v.r.rng, v.t) != 0)
        v.err = 1;
      v.t += 1000;
    }
  int rc = SBCONF_EXIT_PASS;
  for (size_t i = 0; i < nfiles && !v.err; i++) {
    sbv_file f;
    char err[512];
    int lrc = sbv_file_load(files[i], &f, err, sizeof err);
    if (lrc) {
      fprintf(stderr, "sbconf capture vectors: %s\n", err);
      rc = lrc;
      break;
    }
    const char *base = strrchr(files[i], '/');
    base = base ? base + 1 : files[i];
    for (size_t gi = 0; gi < f.ngroups; gi++)
      for (size_t ti = 0; ti < f.groups[gi].ntests; ti++) {
        const sbv_test *t = &f.groups[gi].tests[ti];
        take(&v, base, &f.groups[gi], t, t->input, "input");
        if (t->expect == SBV_EXPECT_VALID && t->output)
          take(&v, base, &f.groups[gi], t, t->output, "output");
      }
    sbv_file_free(&f);
  }
  for (int mode = 0; mode < 2; mode++)
    for (int c = 0; c < C_COUNT; c++) {
      if (!v.err && sim_pcap_ws_close(&v.ws[mode][c], true, 1000, v.t) != 0) v.err = 1;
      v.t += 1000;
    }
  for (size_t i = 0; i < nfiles; i++) free(files[i]);
  free(files);
  int wrc = sim_pcap_close(&v.pcap);
  if (v.index && fclose(v.index) != 0) wrc = -1;
  if (rc == SBCONF_EXIT_PASS && (v.err || wrc)) {
    fprintf(stderr, "sbconf capture vectors: write error\n");
    rc = SBCONF_EXIT_INTERNAL;
  }
  if (rc == SBCONF_EXIT_PASS)
    fprintf(stderr, "sbconf capture vectors: %zu files, %zu messages\n", nfiles, v.messages);
  return rc;
}
