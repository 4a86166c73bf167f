/*
 * The subcommands of sbconf; each takes the arguments after its name and
 * returns an exit code of cli.md.
 */
#ifndef SBC_COMMANDS_H
#define SBC_COMMANDS_H

#include <stdbool.h>

/* An option that takes a value: its name ("--json") and where the value goes. */
typedef struct sbc_opt {
  const char *name;
  const char **value;
} sbc_opt;

/* Parse `argv`: the options of `opts` (ended by a NULL name), --verbose,
 * --quiet, --help/-h; anything else not starting with '-' goes to `paths`
 * (argc slots). Returns -1 to go on, else the exit code to return at once:
 * PASS after printing `usage` for --help, USAGE after a message on stderr. */
int sbc_args_parse(int argc, char **argv, const sbc_opt *opts, const char *usage, bool *verbose, bool *quiet,
                   char **paths, int *npaths);

/* sbconf vectors check|run|generate ... */
int sbc_cmd_vectors(int argc, char **argv);

/* sbconf adapter [--mutant NAME] [--list-mutants] */
int sbc_cmd_adapter(int argc, char **argv);

/* sbconf capture demo|vectors|fuzz|random|bulk ... (pcap captures, sim/capture.h) */
int sbc_cmd_capture(int argc, char **argv);

/* sbconf run [options] SCENARIO.lua|DIR... (the simulator, sim/lua_host.h) */
int sbc_cmd_run(int argc, char **argv);

#endif
