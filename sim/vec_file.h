/*
 * Loading a vector file (format: ../shared/design/vectors.md and
 * vectors/README.md) with every structural rule checked, so a malformed
 * file is refused with a message naming the file and the JSON path
 * ("vectors/x.json: $.testGroups[2].tests[5].tcId: duplicate tcId 17") or,
 * for a syntax error, the line and column.
 */
#ifndef SBV_FILE_H
#define SBV_FILE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define SBV_SCHEMA "sideband-vectors/1"

typedef enum sbv_expect { SBV_EXPECT_VALID, SBV_EXPECT_INVALID, SBV_EXPECT_ACCEPTABLE } sbv_expect;

/* "valid" / "invalid" / "acceptable". */
const char *sbv_expect_name(sbv_expect e);

typedef struct sbv_test {
  long tcid;
  const char *comment;
  const cJSON *requirements; /* array of strings */
  const cJSON *flags;        /* array of strings, each a key of the file's notes */
  const cJSON *input;
  sbv_expect expect;
  const cJSON *output; /* may be NULL (valid with nothing to say) */
} sbv_test;

typedef struct sbv_group {
  const char *type;
  sbv_test *tests;
  size_t ntests;
} sbv_group;

typedef struct sbv_file {
  char *path;
  cJSON *root; /* owns every pointer above */
  const char *layer;
  const char *description;
  const cJSON *notes;    /* object flag -> text, or NULL */
  const cJSON *profiles; /* object profile -> array of flags, or NULL */
  sbv_group *groups;
  size_t ngroups;
  size_t ntests;
} sbv_file;

/* Read and check `path`. 0 on success; otherwise the exit code of cli.md
 * (3: cannot be read, 4: malformed) with `err` holding the message. */
int sbv_file_load(const char *path, sbv_file *out, char *err, size_t errcap);

/* The same for a file already in memory (`name` is used in messages only):
 * 0 or 4 with `err`. For fuzzing and for tests of broken inputs. */
int sbv_file_load_buffer(const char *name, const unsigned char *buf, size_t len, sbv_file *out,
                         char *err, size_t errcap);

/* true if the file starts like a vector file (has "schema": "sideband-vectors/1"),
 * for directory scans that skip other JSON (schema.json, requirements.json). */
bool sbv_file_is_vector_file(const char *path);

/* Release a loaded file. */
void sbv_file_free(sbv_file *f);

/* true if any flag of `t` is relaxed under `profile` in file `f`. */
bool sbv_file_relaxed(const sbv_file *f, const sbv_test *t, const char *profile);

#endif
