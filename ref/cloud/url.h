/*
 * The relay endpoint URL: the `relayUrl` the control plane returns (or the
 * daemon's relay base) with the token in the `token` search parameter
 * (AUTH-020, AUTH-022, CLOUD-023). The SDK does this with WHATWG `new URL`
 * and `searchParams.set("token", ...)`, which also normalises the URL; this
 * module reproduces that for the URLs a control plane hands out:
 *
 *   - scheme and host are lower-cased, a default port (80 for ws/http, 443
 *     for wss/https) is dropped, an empty path of a ws/wss/http/https URL
 *     becomes "/";
 *   - the query is re-serialised as application/x-www-form-urlencoded
 *     (ASCII letters, digits and * - . _ kept, space as '+', every other byte
 *     %XX upper-case), after decoding '+' and %XX and repairing ill-formed
 *     UTF-8 with U+FFFD;
 *   - `token` replaces the value of the first `token` pair and removes the
 *     others, or is appended; the fragment is kept.
 *
 * Not reproduced (such URLs are refused or passed through): whitespace
 * trimming, backslashes, IDNA, percent-encoding inside the path, IPv4
 * number forms. A text that is not `scheme://host...` is SB_ERR_ARG, where
 * `new URL` throws a TypeError (a retryable "other" error for the SDK).
 */
#ifndef SB_CLOUD_URL_H
#define SB_CLOUD_URL_H

#include <stddef.h>

#include "common/config.h"

/* Longest URL handled (the token alone may be 4096 characters). */
#define SB_CLOUD_URL_MAX 8192u

/* Write `url` with its `token` search parameter set to `token`
 * (NUL-terminated). `*out_len` gets the length (or the length needed, with
 * SB_ERR_BUF). SB_ERR_ARG for NULL, a URL that is not scheme://host, or
 * inputs longer than SB_CLOUD_URL_MAX. */
SB_NODISCARD int sb_cloud_url_with_token(const char *url, const char *token, char *out,
                                         size_t out_cap, size_t *out_len);

/* The value of the first `token` search parameter of `url`, decoded as
 * URLSearchParams.get does (NUL-terminated into `out`). SB_ERR_NOT_FOUND if
 * there is none, SB_ERR_ARG as above, SB_ERR_BUF if `out_cap` is too small. */
SB_NODISCARD int sb_cloud_url_get_token(const char *url, char *out, size_t out_cap,
                                        size_t *out_len);

#endif
