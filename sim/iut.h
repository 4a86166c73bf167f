/*
 * An implementation under test reached through the adapter protocol: a
 * command started once (through /bin/sh -c) and spoken to in JSON Lines on
 * its stdin/stdout (vectors/README.md). Anything it writes to stderr goes to
 * the log. A missing answer within the per-request timeout, a malformed
 * line, a wrong id, or the process exiting is reported against that request
 * (the engine's -2 with a message) and the command is restarted for the
 * next one; if the command cannot be started at all, or dies again and again
 * without answering, the engine gives -3 (exit code 5).
 */
#ifndef SBV_IUT_H
#define SBV_IUT_H

#include <stdio.h>

#include "vec_check.h"

typedef struct sbv_iut sbv_iut;

/* Start `cmd`; `timeout_ms` per request; `log` receives the IUT's stderr
 * (each line prefixed "iut[PID]: ") and our notes on failures and restarts
 * (may be NULL: our stderr). NULL with `err` if it cannot run (no pipes, no
 * fork). Sets SIGPIPE to ignored for the whole process: a dead IUT must give
 * EPIPE, not kill the suite. */
sbv_iut *sbv_iut_start(const char *cmd, int timeout_ms, FILE *log, char *err, size_t errcap);

/* The engine asking `iut`. */
sbv_engine sbv_iut_engine(sbv_iut *iut);

/* Stop the command (close its stdin, wait up to 1 s, then kill its process
 * group), reap it and free. NULL is a no-op. */
void sbv_iut_stop(sbv_iut *iut);

/* Process id of the running command, 0 when none (between a failure and the
 * restart at the next request). For tests. */
long sbv_iut_pid(const sbv_iut *iut);

/* Parse one response line: 0 with `*result` and `*output` (owned, may be
 * NULL) when it is a well-formed answer to request `want_id`, else -1 with
 * `why`. Pure, for tests and fuzzing. */
int sbv_iut_parse_answer(const char *line, size_t len, long want_id, sbv_answer *ans,
                         char why[SBV_MSG_SIZE]);

#endif
