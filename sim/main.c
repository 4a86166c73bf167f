/*
 * sbconf: the command-line front end (contract: ../shared/design/cli.md).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "sbconf.h"

static void usage(FILE *to) {
  fprintf(to,
          "usage: sbconf <command> [options]   (sbconf <command> --help for details)\n"
          "\n"
          "commands:\n"
          "  run [options] SCENARIO.lua|DIR...       run scenarios in the deterministic simulator\n"
          "  vectors check [--profile P] PATH...     check the reference against vector files\n"
          "  vectors run --iut-cmd CMD PATH...       check another implementation through\n"
          "                                          the adapter protocol\n"
          "  vectors generate OUTDIR                 regenerate the project's vectors\n"
          "  adapter [--mutant NAME]                 the reference as an adapter-protocol server;\n"
          "          [--list-mutants]                --list-mutants lists the broken variants\n"
          "  capture demo|vectors|fuzz|random|bulk   pcap captures for the Wireshark dissector\n"
          "  version                                 print the version\n"
          "\n"
          "exit codes: 0 pass, 1 fail, 2 usage, 3 input not found, 4 input malformed,\n"
          "            5 implementation under test failed, 70 internal error\n");
}

int main(int argc, char **argv) {
  /* Optimised primitives; ref/ itself never initialises or draws randomness. */
  if (sodium_init() < 0) {
    fprintf(stderr, "sbconf: libsodium failed to initialise\n");
    return SBCONF_EXIT_INTERNAL;
  }
  if (argc < 2) {
    usage(stderr);
    return SBCONF_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    usage(stdout);
    return SBCONF_EXIT_PASS;
  }
  if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("sbconf %s\n", SBCONF_VERSION);
    return SBCONF_EXIT_PASS;
  }
  if (!strcmp(cmd, "run")) return sbc_cmd_run(argc - 2, argv + 2);
  if (!strcmp(cmd, "vectors")) return sbc_cmd_vectors(argc - 2, argv + 2);
  if (!strcmp(cmd, "adapter")) return sbc_cmd_adapter(argc - 2, argv + 2);
  if (!strcmp(cmd, "capture")) return sbc_cmd_capture(argc - 2, argv + 2);
  fprintf(stderr, "sbconf: unknown command '%s' (try 'sbconf help')\n", cmd);
  return SBCONF_EXIT_USAGE;
}
