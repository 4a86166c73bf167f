/*
 * sbconf: the command-line front end (see ../shared/design/cli.md).
 */
#include <stdio.h>
#include <string.h>

#include "sbconf.h"

static void usage(FILE *to) {
  fprintf(to,
          "usage: sbconf <command> [options]\n"
          "\n"
          "commands:\n"
          "  help                 this text\n"
          "  version              print the version\n"
          "\n"
          "exit codes: 0 pass, 1 fail, 2 usage, 3 input not found, 4 input malformed,\n"
          "            5 implementation under test failed, 70 internal error\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
      !strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? SBCONF_EXIT_USAGE : SBCONF_EXIT_PASS;
  }
  if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
    printf("sbconf %s\n", SBCONF_VERSION);
    return SBCONF_EXIT_PASS;
  }
  fprintf(stderr, "sbconf: unknown command '%s' (try 'sbconf help')\n", argv[1]);
  return SBCONF_EXIT_USAGE;
}
