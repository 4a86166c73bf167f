/*
 * The adapter protocol (vectors/README.md): JSON Lines on stdin/stdout.
 *
 *   -> {"id": 17, "type": "sbrp.frame.decode", "input": {"frame": "10..."}}
 *   <- {"id": 17, "result": "valid", "output": {"type": 16, ...}}
 *
 * `sbconf adapter` serves the reference (or a mutant) this way, so the
 * checker's IUT path can be tested against a known implementation and third
 * parties can see a complete server.
 */
#ifndef SBV_ADAPTER_H
#define SBV_ADAPTER_H

#include <stddef.h>
#include <stdio.h>

#include "mutants.h"

/* Answer one request line (without its newline) as mutant `m` (NULL: the
 * reference). Returns a new NUL-terminated response line without newline
 * (free with free()). A malformed request gets {"id": <id or null>,
 * "result": "unsupported", "error": "<why>"}. Never NULL except on
 * allocation failure. */
char *sbv_adapter_answer(const sbv_mutant *m, const char *line, size_t len);

/* Serve requests from `in` until end of input, answers to `out` (flushed
 * after each line). Returns 0, or 70 on an output error. */
int sbv_adapter_serve(const sbv_mutant *m, FILE *in, FILE *out);

#endif
