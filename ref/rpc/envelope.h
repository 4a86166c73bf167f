/*
 * RPC envelope codec (rpc.md sections 1-2): the JSON object that is the
 * whole `data` of an SBP Message on subject `rpc` or `event`.
 *
 *   r  RpcRequest       {"t":"r","m":<string>,"cid":<32 hex>,"p"?:<any>}
 *   R  RpcSuccess       {"t":"R","cid":<32 hex>,"result"?:<any>}
 *   E  RpcError         {"t":"E","cid":<32 hex>,"code":<number>,"message":<string>,"data"?:<any>}
 *   N  RpcNotification  {"t":"N","e":<string>,"d"?:<any>}
 *
 * Decoding checks in upstream's order (codec.ts): JSON text (strict UTF-8),
 * JSON object, `t`, then for r/R/E a 32-character hex `cid`, then the
 * type's required members, and last the cid's case (only lower-case hex is
 * a FrameId). Extra members are kept in the tree and ignored; a duplicate
 * key resolves last-wins as JSON.parse does.
 *
 * The encoder writes what upstream's JSON.stringify writes for the same
 * value, byte for byte: compact, upstream's member order, and JavaScript's
 * rules for numbers, string escapes and object member order.
 *
 * Ownership: a decoded envelope points into a cJSON tree it owns (`root`);
 * release it with sb_rpc_envelope_free. An envelope the caller builds for
 * encoding has root == NULL and borrows every pointer.
 */
#ifndef SB_RPC_ENVELOPE_H
#define SB_RPC_ENVELOPE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* A cid is a 16-byte FrameId, written in JSON as 32 lower-case hex chars. */
#define SB_RPC_CID_BYTES 16u
#define SB_RPC_CID_HEX_CHARS 32u

/* The envelope discriminant `t` (the values are the JSON characters). */
typedef enum sb_rpc_type {
  SB_RPC_REQUEST = 'r',
  SB_RPC_SUCCESS = 'R',
  SB_RPC_ERROR = 'E',
  SB_RPC_NOTIFICATION = 'N'
} sb_rpc_type;

/* One envelope. Which members mean something depends on `t` (table above);
 * the others are NULL / 0. A NULL `const cJSON *` is an absent member; a
 * cJSON null item is a JSON null the sender wrote (RPC-ENV-002). */
typedef struct sb_rpc_envelope {
  sb_rpc_type t;
  /* r, R, E: the FrameId. cid_len is 0 (absent) or 16; the encoder refuses
   * any other value, which is how a caller states a wrong-sized FrameId. */
  uint8_t cid[SB_RPC_CID_BYTES];
  size_t cid_len;
  const char *m;       /* r: method name (may be "", RPC-ENV-010) */
  const cJSON *p;      /* r: params, or NULL */
  const cJSON *result; /* R: result, or NULL */
  double code;         /* E: error code, any JSON number */
  const char *message; /* E: message text (may be "") */
  const cJSON *data;   /* E: error details, or NULL */
  const char *e;       /* N: event name (may be "", not checked against events.md) */
  const cJSON *d;      /* N: event data, or NULL */
  cJSON *root;         /* decoded: the tree that owns the above; NULL when caller-built */
} sb_rpc_envelope;

/* Readings the decoder can take. The zero value is the documents' reading. */
typedef struct sb_rpc_decode_opts {
  /* Upstream decodes bytes with a non-fatal TextDecoder: ill-formed UTF-8
   * becomes U+FFFD instead of SB_ERR_RPC_UTF8 (errata E-RPC-1). */
  bool lossy_utf8;
  /* Upstream converts a string `cid` on an N envelope and fails if it is not
   * 32 lower-case hex; the documents give N no cid, so by default it is an
   * ignored extra member (errata E-RPC-2). */
  bool notification_cid;
} sb_rpc_decode_opts;

/* Decode `len` bytes of Message data into `out` (documents' reading when
 * `opts` is NULL). On success `out->root` owns the tree: call
 * sb_rpc_envelope_free. On failure `out` holds nothing to free. Errors, in
 * check order: SB_ERR_RPC_UTF8, SB_ERR_RPC_JSON, SB_ERR_JSON_NUL (a string
 * holds U+0000, which this library cannot represent), SB_ERR_RPC_NOT_OBJECT,
 * SB_ERR_RPC_TYPE, SB_ERR_RPC_CID, SB_ERR_RPC_METHOD, SB_ERR_RPC_CODE,
 * SB_ERR_RPC_MESSAGE, SB_ERR_RPC_EVENT, then SB_ERR_RPC_CID for an
 * upper-case cid; SB_ERR_NOMEM, SB_ERR_ARG. */
SB_NODISCARD int sb_rpc_envelope_decode(const uint8_t *buf, size_t len,
                                        const sb_rpc_decode_opts *opts, sb_rpc_envelope *out);

/* Release what a successful decode owns and clear `env`; NULL is fine. */
void sb_rpc_envelope_free(sb_rpc_envelope *env);

/* The cid of a payload that may not be a valid envelope (rpc.md RPC-VAL-001):
 * the text is strict UTF-8 JSON, an object, and its (last) `cid` member is a
 * string of exactly 32 lower-case hex characters. Nothing else is looked at.
 * Errors: SB_ERR_RPC_UTF8, SB_ERR_RPC_JSON, SB_ERR_JSON_NUL,
 * SB_ERR_RPC_NOT_OBJECT, SB_ERR_RPC_CID, SB_ERR_NOMEM, SB_ERR_ARG. */
SB_NODISCARD int sb_rpc_envelope_extract_cid(const uint8_t *buf, size_t len,
                                             uint8_t cid[SB_RPC_CID_BYTES]);

/* Encode `env` as compact JSON with upstream's member order (r: t m cid p;
 * R: t cid result; E: t cid code message data; N: t e d), absent members
 * omitted. Refuses what a conformant sender never writes: bad `t`
 * (SB_ERR_RPC_TYPE); on r/R/E cid_len != 16, on N any cid (SB_ERR_RPC_CID);
 * missing m / message / e (SB_ERR_RPC_METHOD / _MESSAGE / _EVENT); a
 * non-finite code (SB_ERR_RPC_CODE); ill-formed UTF-8 in any string
 * (SB_ERR_RPC_UTF8); a value with no JSON form (SB_ERR_RPC_ENCODE). `*out_len`
 * gets the size written, or needed with SB_ERR_BUF (`out` may be NULL then). */
SB_NODISCARD int sb_rpc_envelope_encode(const sb_rpc_envelope *env, uint8_t *out, size_t out_cap,
                                        size_t *out_len);

/* Encode one JSON value as JavaScript's JSON.stringify does: numbers in
 * shortest round-trip form, integer-like object keys first in ascending
 * order, a duplicated key once (first position, last value), an item of type
 * cJSON_Invalid treated as `undefined` (member omitted, array slot null).
 * Errors: SB_ERR_RPC_ENCODE (non-finite number, raw or undefined top-level
 * item), SB_ERR_RPC_UTF8, SB_ERR_BUF (with `*out_len` = size needed). */
SB_NODISCARD int sb_rpc_envelope_encode_value(const cJSON *value, uint8_t *out, size_t out_cap,
                                              size_t *out_len);

#endif
