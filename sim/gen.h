/*
 * Vector generation (`sbconf vectors generate OUTDIR`, `make vectors`).
 *
 * Every case is curated: its author states the input, the requirement IDs
 * it shows and the outcome the documents require ("valid",
 * "invalid:<error>" or "acceptable"). The generator runs the reference on
 * the input through sim/vec_ops.c and writes the reference's output; if the
 * reference does not give the stated outcome, generation fails naming the
 * case. So a vector is both the author's reading of the specification and
 * the reference's behaviour, and they must agree.
 *
 * Files are written deterministically: tcIds count from 1 in writing order,
 * members in a fixed order, no timestamps or random values (keys and
 * frameIds come from fixed seeds).
 *
 *   sbv_gen_file(g, "sbrp-frames.json", "sbrp", "SBRP frames as an endpoint decodes them");
 *   sbv_gen_note(g, "UpstreamOrder", "upstream checks the type before the size", "upstream");
 *   sbv_gen_group(g, "sbrp.frame.decode");
 *   sbv_gen_case(g, "Ping with 8 bytes", "SBRP-WIRE-022", NULL,
 *                sbv_gen_input("frame", "100000000800000000000000000102030405060708", NULL),
 *                "valid");
 *   sbv_gen_end(g);
 */
#ifndef SBV_GEN_H
#define SBV_GEN_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct sbv_gen sbv_gen;

/* Start a new vector file `name` (relative to the output directory, may
 * contain one subdirectory: "upstream-interop/sbp.json"). */
void sbv_gen_file(sbv_gen *g, const char *name, const char *layer, const char *description);

/* Declare flag `flag` with its explanation (the file's `notes`). If
 * `profile` is non-NULL ("upstream"), cases carrying the flag become
 * acceptable under that profile (the file's `profiles`). */
void sbv_gen_note(sbv_gen *g, const char *flag, const char *text, const char *profile);

/* Start a test group of operation `type` (a type of sim/vec_ops.c). */
void sbv_gen_group(sbv_gen *g, const char *type);

/* Add one case to the current group. `reqs` and `flags` are space-separated
 * lists (flags may be NULL; each must have been declared with sbv_gen_note).
 * `input` is taken over. `expect` is "valid", "invalid:<error>" (the error as
 * the output writes it: "1002", "malformed_frame", "AUTH-V05"...) or
 * "acceptable" (the documents allow both; the reference's output is still
 * recorded). On disagreement the generator records an error and goes on,
 * so one run lists every problem. */
void sbv_gen_case(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                  cJSON *input, const char *expect);

/* Same, with the expected output given by the author instead of computed
 * (used when converting upstream data: the output is upstream's).
 * `result` is "valid", "invalid" or "acceptable"; `output` is taken over. The
 * reference is still run: if it disagrees and no flag of the case is relaxed
 * by a profile, that is a generation error. */
void sbv_gen_case_expect(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                         cJSON *input, const char *result, cJSON *output);

/* Finish the current file and write it. */
void sbv_gen_end(sbv_gen *g);

/* Report a problem found by a generator module itself (bad curated data). */
void sbv_gen_error(sbv_gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An input object from alternating key / string-value pairs ending in NULL:
 * sbv_gen_input("frame", "10...", "sender", "client", NULL). */
cJSON *sbv_gen_input(const char *key, ...);

/* Hex of `len` bytes as a new heap string (free with free()). */
char *sbv_gen_hex(const unsigned char *buf, size_t len);

/* Deterministic bytes for curated inputs: `len` bytes of the stream named
 * `label` (a fixed seed per label), so inputs never change between runs. */
void sbv_gen_bytes(const char *label, unsigned char *out, size_t len);

/* Run every generator module into `outdir`. Returns 0, or the number of
 * errors (each already printed to stderr with the file and case). */
int sbv_gen_all(const char *outdir, bool verbose);

/* ---- generator modules (sim/gen_*.c), called in this order ---------------- */
void sbv_gen_sbp(sbv_gen *g);
void sbv_gen_sbp_errors(sbv_gen *g);
void sbv_gen_rpc(sbv_gen *g);
void sbv_gen_rpc_receiver(sbv_gen *g);
void sbv_gen_events(sbv_gen *g);
void sbv_gen_sbrp_frames(sbv_gen *g);
void sbv_gen_sbrp_crypto(sbv_gen *g);
void sbv_gen_auth(sbv_gen *g);
void sbv_gen_peer(sbv_gen *g);
void sbv_gen_upstream_interop(sbv_gen *g);
void sbv_gen_requirements(sbv_gen *g, const char *outdir);

#endif
