/*
 * Option values with the precedence of cli.md: command-line option, then
 * environment variable SBCONF_<NAME> (upper case, '-' as '_'), then the JSON
 * file given by --config (key = the option name: "profile", "iut-cmd"),
 * then the built-in default.
 */
#ifndef SBC_CONFIG_H
#define SBC_CONFIG_H

#include <cJSON.h>
#include <stddef.h>

typedef struct sbc_config {
  cJSON *file; /* parsed --config file, or NULL */
  char *path;
} sbc_config;

/* Load `path` (NULL: no file). Keys not in `known` (NULL-ended) are refused
 * so typos do not pass silently. 0, 3 (cannot read) or 4 (malformed, with
 * the JSON path) with `err`. */
int sbc_config_load(sbc_config *c, const char *path, const char *const *known, char *err,
                    size_t errcap);
void sbc_config_free(sbc_config *c);

/* The value of option `name`: `cli` if non-NULL, else the environment, else
 * the file (strings as is, numbers and booleans as text in `buf`), else
 * `fallback`. */
const char *sbc_config_get(const sbc_config *c, const char *name, const char *cli,
                           const char *fallback, char *buf, size_t cap);

#endif
