/*
 * Channels and what a receiver does with an inbound Message (rpc.md
 * sections 1, 3, 5; events.md EVT-003).
 *
 *   subject   envelope types   on a bad or mismatched envelope
 *   rpc       r R E            cid extractable: RpcError 1100 (RPC-VAL-001),
 *                              else ErrorFrame 1002 (RPC-VAL-002);
 *                              a valid N is dropped (RPC-CH-002)
 *   event     N                dropped, never an ErrorFrame (RPC-VAL-004, EVT-003)
 *   app/...   none             not parsed as RPC (RPC-CH-003)
 *   stream    none             reserved in v1: ErrorFrame 1003 (SBP-SUBJ-006)
 *
 * Subjects are told apart by exact comparison only; the subject's own format
 * (length, UTF-8, NUL) is SBP's to check before this layer sees the Message.
 * The decision is a pure function of subject and data: it sends nothing and
 * keeps no state.
 */
#ifndef SB_RPC_CHANNEL_H
#define SB_RPC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "rpc/envelope.h"

/* SBP ErrorFrame codes this layer answers with (sbp.md section 7). */
#define SB_RPC_CHANNEL_SBP_INVALID_FRAME 1002u
#define SB_RPC_CHANNEL_SBP_UNSUPPORTED_FEATURE 1003u

typedef enum sb_rpc_channel {
  SB_RPC_CHANNEL_RPC,    /* exactly "rpc" */
  SB_RPC_CHANNEL_EVENT,  /* exactly "event" */
  SB_RPC_CHANNEL_APP,    /* "app/" followed by anything */
  SB_RPC_CHANNEL_STREAM, /* exactly "stream" (reserved for v2) */
  SB_RPC_CHANNEL_OTHER   /* anything else */
} sb_rpc_channel;

/* Which receiver answers the decision follows. */
typedef enum sb_rpc_profile {
  /* docs/protocols/rpc/behavior.md (the default, errata E-RPC-3) */
  SB_RPC_PROFILE_DOCUMENTS = 0,
  /* upstream's runtime Router: its decoder (sb_rpc_decode_opts both set) and
   * ErrorFrame 1002 for every envelope it cannot decode on rpc */
  SB_RPC_PROFILE_ROUTER
} sb_rpc_profile;

typedef enum sb_rpc_action {
  SB_RPC_ACTION_APP,              /* app/...: hand the raw data to app handlers */
  SB_RPC_ACTION_REQUEST,          /* `env` is a request: dispatch it by method */
  SB_RPC_ACTION_RESPONSE,         /* `env` is R or E: hand it to the correlation table */
  SB_RPC_ACTION_EVENT,            /* `env` is N: deliver it to subscribers */
  SB_RPC_ACTION_DROP,             /* drop, send nothing; `reason` says why (may be logged) */
  SB_RPC_ACTION_REPLY_RPC_ERROR,  /* send RpcError{1100, `cid`} on rpc (new frameId) */
  SB_RPC_ACTION_REPLY_ERROR_FRAME /* send ErrorFrame{error_code, error_message}, id =
                                     the inbound frameId; the connection stays open */
} sb_rpc_action;

/* A receiver's decision for one inbound Message. */
typedef struct sb_rpc_inbound {
  sb_rpc_action action;
  int reason;                    /* DROP and REPLY_*: the sb_err behind it; else 0 */
  sb_rpc_envelope env;           /* REQUEST, RESPONSE, EVENT: decoded, owns its tree */
  uint8_t cid[SB_RPC_CID_BYTES]; /* REPLY_RPC_ERROR: the cid to answer */
  unsigned error_code;           /* REPLY_ERROR_FRAME: 1002 or 1003 */
  const char *error_message;     /* REPLY_ERROR_FRAME: static text */
} sb_rpc_inbound;

/* The channel a subject of `len` bytes names. */
sb_rpc_channel sb_rpc_channel_of(const char *subject, size_t len);

/* true if envelope type `t` may travel on channel `ch` (RPC-CH-001). */
bool sb_rpc_channel_allows(sb_rpc_channel ch, sb_rpc_type t);

/* Sender-side check of RPC-CH-001: SB_ERR_RPC_CHANNEL if an envelope of type
 * `t` may not be sent on `subject`; SB_ERR_ARG for a NULL subject. */
SB_NODISCARD int sb_rpc_channel_check(const char *subject, size_t len, sb_rpc_type t);

/* Decide what a receiver does with a Message (`subject`, `data`) under
 * `profile`. On success `out` holds the decision; release it with
 * sb_rpc_channel_inbound_free. Errors: SB_ERR_ARG, SB_ERR_NOMEM (the
 * decision could not be made; nothing to free). */
SB_NODISCARD int sb_rpc_channel_inbound(const char *subject, size_t subject_len,
                                        const uint8_t *data, size_t len, sb_rpc_profile profile,
                                        sb_rpc_inbound *out);

/* Release what a decision owns and clear it; NULL is fine. */
void sb_rpc_channel_inbound_free(sb_rpc_inbound *in);

/* The RpcError a receiver sends for an invalid envelope with an extractable
 * cid (RPC-VAL-001): {"t":"E","cid":..,"code":1100,"message":"Invalid
 * envelope: <text of reason>"}. Errors as sb_rpc_envelope_encode. */
SB_NODISCARD int sb_rpc_channel_invalid_envelope_reply(const uint8_t cid[SB_RPC_CID_BYTES],
                                                       int reason, uint8_t *out, size_t out_cap,
                                                       size_t *out_len);

/* The RpcError for a method nobody handles (RPC-ERR-004): code 1101 and the
 * Router's message "Method not found", or with `method` non-NULL the Peer
 * SDK's "Method not found: <method>" (RPC-SDK-013). Errors as
 * sb_rpc_envelope_encode, plus SB_ERR_NOMEM. */
SB_NODISCARD int sb_rpc_channel_method_not_found_reply(const uint8_t cid[SB_RPC_CID_BYTES],
                                                       const char *method, uint8_t *out,
                                                       size_t out_cap, size_t *out_len);

#endif
