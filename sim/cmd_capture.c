/*
 * sbconf capture demo | vectors | fuzz | random | bulk: captures for the
 * Wireshark dissector (capture.h says what each writes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "commands.h"
#include "sbconf.h"

static const char capture_usage[] =
    "usage: sbconf capture demo OUT.pcap [--keylog FILE] [--seed N]\n"
    "       sbconf capture vectors DIR OUT.pcap [--index FILE]\n"
    "       sbconf capture fuzz SEED N IN.pcap OUT.pcap [--keylog FILE]\n"
    "       sbconf capture random SEED N OUT.pcap [--max-len L]\n"
    "       sbconf capture bulk N OUT.pcap [--keylog FILE] [--seed N]\n"
    "\n"
    "Write pcap captures (Ethernet/IPv4/TCP, WebSocket with the HTTP Upgrade)\n"
    "for Wireshark and the SBRP/SBP/RPC dissector (dissector/README.md).\n"
    "\n"
    "  demo     a relay, a daemon, two clients and a plain SBP connection made\n"
    "           with the reference; --keylog writes the SBRP key log\n"
    "  vectors  every frame of the vector files under DIR as a WebSocket message;\n"
    "           --index writes packet -> vector case lines (TSV)\n"
    "  fuzz     the messages of IN.pcap plus N deterministic mutations of them;\n"
    "           --keylog lets Data frames be mutated inside the encryption\n"
    "  random   N random binary WebSocket messages of 1..L bytes (default 200)\n"
    "  bulk     one session with N SBRP frames, mostly Data, and its key log\n"
    "\n"
    "Output is deterministic for a given seed (default 1).\n"
    "exit: 0 written, 2 usage, 3 input not found or output not writable,\n"
    "      4 input malformed, 70 internal error\n";

/* "sbconf capture: <arg><what>" and the hint; returns the usage exit code. */
static int usage_error(const char *arg, const char *what) {
  fprintf(stderr, "sbconf capture: %s%s\n(try 'sbconf capture --help')\n", arg, what);
  return SBCONF_EXIT_USAGE;
}

/* A decimal unsigned number; false if `s` is not one. */
static bool parse_u64(const char *s, uint64_t *out) {
  char *end = NULL;
  if (!s || !*s || *s == '-') return false;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return false;
  *out = v;
  return true;
}

typedef struct capture_args {
  const char *pos[5];
  int npos;
  const char *keylog, *index;
  uint64_t seed, max_len;
} capture_args;

/* Split options from positional arguments; 0 or an exit code. */
static int parse(int argc, char **argv, capture_args *a) {
  memset(a, 0, sizeof *a);
  a->seed = 1;
  a->max_len = 200;
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    bool has_value = i + 1 < argc;
    if (!strcmp(o, "--keylog") || !strcmp(o, "--index")) {
      if (!has_value) return usage_error(o, " needs a file name");
      *(!strcmp(o, "--keylog") ? &a->keylog : &a->index) = argv[++i];
    } else if (!strcmp(o, "--seed") || !strcmp(o, "--max-len")) {
      if (!has_value || !parse_u64(argv[i + 1], !strcmp(o, "--seed") ? &a->seed : &a->max_len))
        return usage_error(o, " needs a number");
      i++;
    } else if (o[0] == '-' && o[1]) {
      return usage_error(o, ": unknown option");
    } else {
      if (a->npos == 5) return usage_error(o, ": unexpected argument");
      a->pos[a->npos++] = o;
    }
  }
  return 0;
}

int sbc_cmd_capture(int argc, char **argv) {
  if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") ||
      !strcmp(argv[0], "help")) {
    fputs(capture_usage, argc < 1 ? stderr : stdout);
    return argc < 1 ? SBCONF_EXIT_USAGE : SBCONF_EXIT_PASS;
  }
  const char *sub = argv[0];
  capture_args a;
  int rc = parse(argc - 1, argv + 1, &a);
  if (rc) return rc;
  uint64_t n = 0, seed = 0;
  if (!strcmp(sub, "demo")) {
    if (a.npos != 1) return usage_error(sub, ": expected OUT.pcap");
    return sim_capture_demo(a.pos[0], a.keylog, a.seed);
  }
  if (!strcmp(sub, "vectors")) {
    if (a.npos != 2) return usage_error(sub, ": expected DIR OUT.pcap");
    return sim_capture_vectors(a.pos[0], a.pos[1], a.index);
  }
  if (!strcmp(sub, "fuzz")) {
    if (a.npos != 4) return usage_error(sub, ": expected SEED N IN.pcap OUT.pcap");
    if (!parse_u64(a.pos[0], &seed) || !parse_u64(a.pos[1], &n) || n > 10000000u)
      return usage_error(sub, ": SEED and N must be numbers (N at most 10000000)");
    return sim_capture_fuzz(seed, (size_t)n, a.pos[2], a.pos[3], a.keylog);
  }
  if (!strcmp(sub, "random")) {
    if (a.npos != 3) return usage_error(sub, ": expected SEED N OUT.pcap");
    if (!parse_u64(a.pos[0], &seed) || !parse_u64(a.pos[1], &n) || n > 10000000u ||
        a.max_len == 0 || a.max_len > 65536u)
      return usage_error(sub, ": SEED and N must be numbers, --max-len 1..65536");
    return sim_capture_random(seed, (size_t)n, (size_t)a.max_len, a.pos[2]);
  }
  if (!strcmp(sub, "bulk")) {
    if (a.npos != 2) return usage_error(sub, ": expected N OUT.pcap");
    if (!parse_u64(a.pos[0], &n) || n < 2 || n > 100000000u)
      return usage_error(sub, ": N must be a number from 2 to 100000000");
    return sim_capture_bulk(a.seed, (size_t)n, a.pos[1], a.keylog);
  }
  return usage_error(sub, ": unknown subcommand");
}
