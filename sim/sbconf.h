/*
 * Shared definitions of the sbconf command: version and the stable exit
 * codes of ../shared/design/cli.md.
 */
#ifndef SBCONF_H
#define SBCONF_H

#define SBCONF_VERSION "0.1.0"

enum sbconf_exit {
  SBCONF_EXIT_PASS = 0,      /* every case passed */
  SBCONF_EXIT_FAIL = 1,      /* one or more cases failed */
  SBCONF_EXIT_USAGE = 2,     /* bad option or argument */
  SBCONF_EXIT_NOT_FOUND = 3, /* an input was not found */
  SBCONF_EXIT_MALFORMED = 4, /* an input is malformed */
  SBCONF_EXIT_IUT = 5,       /* implementation under test failed */
  SBCONF_EXIT_INTERNAL = 70  /* bug in the suite */
};

#endif
