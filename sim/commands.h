/*
 * The subcommands of sbconf; each takes the arguments after its name and
 * returns an exit code of cli.md.
 */
#ifndef SBC_COMMANDS_H
#define SBC_COMMANDS_H

/* sbconf vectors check|run|generate ... */
int sbc_cmd_vectors(int argc, char **argv);

/* sbconf adapter [--mutant NAME] [--list-mutants] */
int sbc_cmd_adapter(int argc, char **argv);

/* sbconf capture demo|vectors|fuzz|random|bulk ... (pcap captures, sim/capture.h) */
int sbc_cmd_capture(int argc, char **argv);

/* sbconf run [options] SCENARIO.lua|DIR... (the simulator, sim/lua_host.h) */
int sbc_cmd_run(int argc, char **argv);

#endif
