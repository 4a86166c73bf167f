/*
 * The command line shared by `sbconf run` and `sbconf vectors check|run`:
 * options that take a value, --verbose, --quiet, --help, then paths. One
 * parser, so every command answers a missing value or an unknown option
 * with the same message and exit code (cli.md).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "sbconf.h"

int sbc_args_parse(int argc, char **argv, const sbc_opt *opts, const char *usage, bool *verbose, bool *quiet,
                   char **paths, int *npaths) {
  *npaths = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const sbc_opt *o = opts;
    while (o->name && strcmp(o->name, a)) o++;
    if (o->name) {
      if (i + 1 >= argc) {
        fprintf(stderr, "sbconf: %s needs a value\n%s", a, usage);
        return SBCONF_EXIT_USAGE;
      }
      *o->value = argv[++i];
    } else if (!strcmp(a, "--verbose")) {
      *verbose = true;
    } else if (!strcmp(a, "--quiet")) {
      *quiet = true;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(usage, stdout);
      return SBCONF_EXIT_PASS;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "sbconf: unknown option %s\n%s", a, usage);
      return SBCONF_EXIT_USAGE;
    } else {
      paths[(*npaths)++] = argv[i];
    }
  }
  return -1;
}
