/*
 * One error enum for the whole reference library.
 *
 * Every fallible function returns 0 (SB_OK) or one of these negative values.
 * Each value carries, in one table, what a conformance report needs: a short
 * text, the requirement ID it enforces (from ../shared/spec), and the
 * protocol's own outcome for it (an SBP error code, an SBRP control or
 * endpoint code, an RPC code, an auth validation step).
 *
 * The list is an X-macro so that the enum and the table cannot drift apart.
 * Columns: enum name, value, text, requirement ID (or NULL),
 *          protocol code (0 if none), protocol name (or NULL).
 * Ranges: -1..-99 generic, -100 SBP, -200 RPC, -300 events, -400 SBRP wire,
 *         -450 SBRP crypto/endpoint, -500 auth, -600 peer, -650 cloud.
 */
#ifndef SB_COMMON_ERROR_H
#define SB_COMMON_ERROR_H

#define SB_ERR_LIST(X)                                                                          \
  /* generic: API misuse, resources, encodings */                                              \
  X(SB_ERR_ARG, -1, "invalid argument", NULL, 0, NULL)                                          \
  X(SB_ERR_BUF, -2, "output buffer too small", NULL, 0, NULL)                                   \
  X(SB_ERR_NOMEM, -3, "out of memory", NULL, 0, NULL)                                           \
  X(SB_ERR_TRUNCATED, -4, "input ends before the field", NULL, 0, NULL)                         \
  X(SB_ERR_HEX, -5, "invalid hex string", NULL, 0, NULL)                                        \
  X(SB_ERR_BASE64, -6, "invalid unpadded base64url", NULL, 0, NULL)                             \
  X(SB_ERR_UTF8, -7, "invalid UTF-8", NULL, 0, NULL)                                            \
  X(SB_ERR_JSON, -8, "invalid JSON text", NULL, 0, NULL)                                        \
  X(SB_ERR_JSON_NUL, -9, "JSON string contains U+0000 (not supported)", NULL, 0, NULL)          \
  X(SB_ERR_RNG, -10, "random source failed", NULL, 0, NULL)                                     \
  X(SB_ERR_STATE, -11, "operation not valid in this state", NULL, 0, NULL)                      \
  X(SB_ERR_CRYPTO, -12, "crypto library failure", NULL, 0, NULL)                                \
  X(SB_ERR_FULL, -13, "table full", NULL, 0, NULL)                                              \
  X(SB_ERR_NOT_FOUND, -14, "no such entry", NULL, 0, NULL)                                      \
  X(SB_ERR_EXISTS, -15, "entry already exists", NULL, 0, NULL)                                  \
  X(SB_ERR_RANGE, -16, "value out of range", NULL, 0, NULL)                                     \
                                                                                                \
  /* SBP framing (sbp.md); protocol code = SBP ErrorFrame code */                               \
  X(SB_ERR_SBP_TOO_SHORT, -100, "frame shorter than 18 bytes", "SBP-WIRE-009", 1002,            \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_RESERVED_FLAGS, -101, "reserved flag bits 1-7 set", "SBP-WIRE-005", 1002,        \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_TIMESTAMP_TRUNCATED, -102, "timestamp flag set but fewer than 8 bytes follow",   \
    "SBP-WIRE-009", 1002, "InvalidFrame")                                                       \
  X(SB_ERR_SBP_UNKNOWN_KIND, -103, "unknown frame kind", "SBP-WIRE-010", 1002, "InvalidFrame")  \
  X(SB_ERR_SBP_CONTROL_EMPTY, -104, "control frame without op byte", "SBP-CTL-001", 1002,       \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_CONTROL_UNKNOWN_OP, -105, "unknown control op", "SBP-CTL-005", 1002,             \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_HANDSHAKE_NO_DATA, -106, "handshake control frame without data", "SBP-CTL-002",  \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_PINGPONG_DATA, -107, "ping/pong control frame carries data", "SBP-CTL-003", 1002, \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_MESSAGE_NO_SUBJECT, -108, "message payload shorter than 4 bytes", "SBP-MSG-001", \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_SUBJECT_TRUNCATED, -109, "fewer bytes than subjectLen follow", "SBP-MSG-002",    \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_SUBJECT_EMPTY, -110, "subject is empty", "SBP-SUBJ-001", 1002, "InvalidFrame")   \
  X(SB_ERR_SBP_SUBJECT_NUL, -111, "subject contains NUL", "SBP-SUBJ-001", 1002, "InvalidFrame") \
  X(SB_ERR_SBP_SUBJECT_TOO_LONG, -112, "subject longer than 256 UTF-8 bytes", "SBP-SUBJ-002",   \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_SUBJECT_UTF8, -113, "subject is not valid UTF-8", "SBP-VAL-003", 1002,           \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_SUBJECT_NAMESPACE, -114, "subject is not rpc, event, stream or app/...",         \
    "SBP-SUBJ-005", 1002, "InvalidFrame")                                                       \
  X(SB_ERR_SBP_SUBJECT_RESERVED, -115, "subject is reserved (stream) in v1", "SBP-SUBJ-006",    \
    1003, "UnsupportedFeature")                                                                 \
  X(SB_ERR_SBP_ACK_SHORT, -116, "ack payload shorter than 16 bytes", "SBP-ACK-001", 1002,       \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_ACK_TRAILING, -117, "ack payload longer than 16 bytes", "SBP-ACK-001", 1002,     \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_ERROR_SHORT, -118, "error payload shorter than 6 bytes", "SBP-EFR-001", 1002,    \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_ERROR_MESSAGE_TRUNCATED, -119, "fewer bytes than msgLen follow", "SBP-EFR-001",  \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_ERROR_MESSAGE_UTF8, -120, "error message is not valid UTF-8", "SBP-VAL-003",     \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_HS_JSON, -121, "handshake payload is not a JSON text", "SBP-HS-004", 1002,       \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_HS_UTF8, -122, "handshake payload is not valid UTF-8", "SBP-VAL-003", 1002,      \
    "InvalidFrame")                                                                             \
  X(SB_ERR_SBP_HS_NOT_OBJECT, -123, "handshake payload is not a JSON object", "SBP-HS-004",     \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_HS_PROTOCOL_FIELD, -124, "handshake protocol missing or not a string",           \
    "SBP-HS-004", 1002, "InvalidFrame")                                                         \
  X(SB_ERR_SBP_HS_VERSION_FIELD, -125, "handshake version missing or not a string",             \
    "SBP-HS-004", 1002, "InvalidFrame")                                                         \
  X(SB_ERR_SBP_HS_PEERID_FIELD, -126, "handshake peerId missing or not a string",               \
    "SBP-HS-004", 1002, "InvalidFrame")                                                         \
  X(SB_ERR_SBP_HS_PROTOCOL_MISMATCH, -127, "handshake protocol is not \"sideband\"",            \
    "SBP-HS-003", 1001, "UnsupportedVersion")                                                   \
  X(SB_ERR_SBP_HS_VERSION_MISMATCH, -128, "handshake version is not \"1\"", "SBP-HS-003", 1001, \
    "UnsupportedVersion")                                                                       \
  X(SB_ERR_SBP_FRAME_ID, -129, "frameId is not 16 bytes (32 lowercase hex)", "SBP-WIRE-006",    \
    1002, "InvalidFrame")                                                                       \
  X(SB_ERR_SBP_HS_UNEXPECTED, -130, "first frame is not a Handshake", "SBP-HS-002", 1000,       \
    "ProtocolViolation")                                                                        \
  X(SB_ERR_SBP_HS_TIMEOUT, -131, "no Handshake before the handshake timeout", "SBP-HS-010",      \
    1000, "ProtocolViolation")                                                                  \
  X(SB_ERR_SBP_HS_CLOSED, -132, "connection ended before the Handshake", "SBP-HS-010", 1000,    \
    "ProtocolViolation")                                                                        \
                                                                                                \
  /* RPC envelopes (rpc.md); protocol code = RPC code */                                        \
  X(SB_ERR_RPC_JSON, -200, "envelope is not a JSON text", "RPC-ENV-001", 1100,                  \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_UTF8, -201, "envelope is not valid UTF-8", "RPC-ENV-001", 1100,                  \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_NOT_OBJECT, -202, "envelope is not a JSON object", "RPC-ENV-008", 1100,          \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_TYPE, -203, "envelope t missing or not one of r R E N", "RPC-ENV-008", 1100,     \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_CID, -204, "cid missing or not 32 lowercase hex characters", "RPC-ENV-007",      \
    1100, "InvalidEnvelope")                                                                    \
  X(SB_ERR_RPC_METHOD, -205, "request m missing or not a string", "RPC-ENV-003", 1100,          \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_CODE, -206, "error code missing or not a number", "RPC-ENV-005", 1100,           \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_MESSAGE, -207, "error message missing or not a string", "RPC-ENV-005", 1100,     \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_EVENT, -208, "notification e missing or not a string", "RPC-ENV-006", 1100,      \
    "InvalidEnvelope")                                                                          \
  X(SB_ERR_RPC_CHANNEL, -209, "envelope type not allowed on this subject", "RPC-CH-001", 1104,  \
    "EnvelopeMismatch")                                                                         \
  X(SB_ERR_RPC_CID_UNKNOWN, -210, "response cid matches no pending call", "RPC-CID-008", 1102,  \
    "CorrelationMismatch")                                                                      \
  X(SB_ERR_RPC_CID_DUPLICATE, -211, "cid already pending", "RPC-CID-006", 0, NULL)              \
  X(SB_ERR_RPC_ENCODE, -212, "value has no JSON form (non-finite number, raw or undefined)",    \
    "RPC-ENV-001", 1100, "InvalidEnvelope")                                                     \
                                                                                                \
  /* events (events.md); every failure is the SDK's invalid_pattern */                          \
  X(SB_ERR_EVT_EMPTY, -300, "name or pattern is empty", "EVT-PAT-002", 0, "invalid_pattern")    \
  X(SB_ERR_EVT_DOUBLE_STAR, -301, "\"**\" is not supported; use \">\"", "EVT-PAT-003", 0,        \
    "invalid_pattern")                                                                          \
  X(SB_ERR_EVT_TOO_LONG, -302, "name or pattern longer than 255 bytes", "EVT-PAT-002", 0,       \
    "invalid_pattern")                                                                          \
  X(SB_ERR_EVT_EMPTY_SEGMENT, -303, "empty segment or leading/trailing dot", "EVT-PAT-002", 0,  \
    "invalid_pattern")                                                                          \
  X(SB_ERR_EVT_GT_NOT_LAST, -304, "\">\" must be the final segment", "EVT-PAT-001", 0,          \
    "invalid_pattern")                                                                          \
  X(SB_ERR_EVT_BAD_SEGMENT, -305, "segment has characters other than A-Z a-z 0-9 - _",          \
    "EVT-PAT-004", 0, "invalid_pattern")                                                        \
  X(SB_ERR_EVT_WILDCARD_IN_NAME, -306, "wildcard in a literal event name", "EVT-PAT-006", 0,    \
    "invalid_pattern")                                                                          \
                                                                                                \
  /* SBRP wire and relay validation (sbrp.md); protocol code = control code */                  \
  X(SB_ERR_SBRP_HEADER_SHORT, -400, "frame shorter than the 13-byte header", "SBRP-RELAY-012",  \
    0x0401, "malformed_frame")                                                                  \
  X(SB_ERR_SBRP_PAYLOAD_TOO_LARGE, -401, "Length exceeds 65536", "SBRP-WIRE-011", 0x0402,       \
    "payload_too_large")                                                                        \
  X(SB_ERR_SBRP_FRAME_TYPE, -402, "frame type not defined", "SBRP-WIRE-012", 0x0403,            \
    "invalid_frame_type")                                                                       \
  X(SB_ERR_SBRP_SID_ZERO, -403, "session-bound frame with SessionID 0", "SBRP-WIRE-013",        \
    0x0404, "invalid_session_id")                                                               \
  X(SB_ERR_SBRP_SID_NONZERO, -404, "Ping/Pong with non-zero SessionID", "SBRP-WIRE-014",        \
    0x0404, "invalid_session_id")                                                               \
  X(SB_ERR_SBRP_BODY_TRUNCATED, -405, "message shorter than 13 + Length", "SBRP-WIRE-002",      \
    0x0401, "malformed_frame")                                                                  \
  X(SB_ERR_SBRP_BODY_TRAILING, -406, "message longer than 13 + Length", "SBRP-WIRE-002",        \
    0x0401, "malformed_frame")                                                                  \
  X(SB_ERR_SBRP_DISALLOWED_SENDER, -407, "sender may not send this frame type",                 \
    "SBRP-RELAY-023", 0x0405, "disallowed_sender")                                              \
  X(SB_ERR_SBRP_PAYLOAD_SIZE, -408, "payload size wrong for this frame type", "SBRP-WIRE-020",  \
    0x0401, "malformed_frame")                                                                  \
  X(SB_ERR_SBRP_DATA_SHORT, -409, "Data payload shorter than 28 bytes", "SBRP-WIRE-021",        \
    0x0401, "malformed_frame")                                                                  \
  X(SB_ERR_SBRP_PING_TOO_LARGE, -410, "Ping/Pong payload longer than 8 bytes", "SBRP-WIRE-022", \
    0x0402, "payload_too_large")                                                                \
  X(SB_ERR_SBRP_CONTROL_SHORT, -411, "Control payload shorter than 2 bytes", "SBRP-WIRE-023",   \
    0x0401, "malformed_frame")                                                                  \
  X(SB_ERR_SBRP_CONTROL_UNKNOWN, -412, "control code not in the table", "SBRP-CTRL-005",        \
    0x0401, "malformed_frame")                                                                  \
  X(SB_ERR_SBRP_SIGNAL_CODE, -413, "unknown signal code", "SBRP-SIG-001", 0x0401,               \
    "malformed_frame")                                                                          \
  X(SB_ERR_SBRP_SIGNAL_REASON, -414, "unknown signal reason", "SBRP-SIG-004", 0x0401,           \
    "malformed_frame")                                                                          \
  X(SB_ERR_SBRP_DIRECTION, -415, "nonce direction is not the expected one", "SBRP-CRYPTO-020",  \
    0xE004, "decrypt_failed")                                                                   \
  X(SB_ERR_SBRP_CONTROL_SCOPE, -416, "Control SessionID does not follow the code's SID column", \
    "SBRP-CTRL-003", 0x0404, "invalid_session_id")                                                                   \
  X(SB_ERR_SBRP_SID_MISMATCH, -417, "client frame SessionID differs from its token sid",       \
    "SBRP-RELAY-003", 0x0404, "invalid_session_id")                                             \
                                                                                                \
  /* SBRP crypto and endpoint-only codes; protocol code = 0xE0xx (never on the wire) */         \
  X(SB_ERR_SBRP_DECRYPT, -450, "AEAD open failed", "SBRP-CRYPTO-024", 0xE004, "decrypt_failed") \
  X(SB_ERR_SBRP_REPLAY, -451, "sequence number already seen", "SBRP-REPLAY-005", 0xE005,        \
    "sequence_error")                                                                           \
  X(SB_ERR_SBRP_TOO_OLD, -452, "sequence number older than the window", "SBRP-REPLAY-005",      \
    0xE005, "sequence_error")                                                                   \
  X(SB_ERR_SBRP_SEQ_EXHAUSTED, -453, "send sequence reached 2^64-1", "SBRP-CRYPTO-032", 0, NULL) \
  X(SB_ERR_SBRP_HANDSHAKE_FAILED, -454, "handshake signature invalid", "SBRP-CRYPTO-004",       \
    0xE002, "handshake_failed")                                                                 \
  X(SB_ERR_SBRP_IDENTITY_CHANGED, -455, "identity key differs from the pinned key",             \
    "SBRP-TOFU-004", 0xE001, "identity_key_changed")                                            \
  X(SB_ERR_SBRP_WEAK_KEY, -456, "X25519 result is all zero (low-order point)", "SBRP-CRYPTO-001", \
    0xE002, "handshake_failed")                                                                 \
  X(SB_ERR_SBRP_HANDSHAKE_TIMEOUT, -457, "handshake not finished within 30 s",                  \
    "SBRP-CRYPTO-008", 0xE003, "handshake_timeout")                                             \
  X(SB_ERR_SBRP_WINDOW_SIZE, -458, "replay window smaller than 64", "SBRP-REPLAY-001", 0, NULL) \
  X(SB_ERR_SBRP_STATE_LOST, -459, "stored session state fails the integrity check",             \
    "SBRP-RES-007", 0x01, "state_lost")                                                         \
                                                                                                \
  /* relay tokens (auth.md); one value per ordered validation step */                           \
  X(SB_ERR_AUTH_FORMAT, -500, "token missing, over 4096 characters or not 3 segments",          \
    "AUTH-V01", 0x0101, "unauthorized")                                                         \
  X(SB_ERR_AUTH_HEADER, -501, "JOSE header undecodable or typ is not sbrp-relay+jwt",           \
    "AUTH-V02", 0x0101, "unauthorized")                                                         \
  X(SB_ERR_AUTH_KID, -502, "JOSE header has no kid", "AUTH-V03", 0x0101, "unauthorized")        \
  X(SB_ERR_AUTH_ALG, -503, "alg is not EdDSA", "AUTH-V04", 0x0101, "unauthorized")              \
  X(SB_ERR_AUTH_KEY, -504, "no EdDSA key in the JWKS for this kid", "AUTH-V04", 0x0101,         \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_SIGNATURE, -505, "token signature invalid", "AUTH-V04", 0x0101, "unauthorized") \
  X(SB_ERR_AUTH_PAYLOAD, -506, "claims segment undecodable or not a JSON object", "AUTH-V04",   \
    0x0101, "unauthorized")                                                                     \
  X(SB_ERR_AUTH_AUD, -507, "aud does not contain sideband-relay", "AUTH-V05", 0x0101,           \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_ISS, -508, "iss is not the configured issuer", "AUTH-V06", 0x0101,              \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_TIMES, -509, "iat or exp missing or not a number", "AUTH-V07", 0x0101,          \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_EXPIRED, -510, "token expired beyond the skew allowance", "AUTH-V08", 0x0101,   \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_VER, -511, "ver present and not 1", "AUTH-V09", 0x0101, "unauthorized")         \
  X(SB_ERR_AUTH_ROLE, -512, "role missing or not daemon/client", "AUTH-V10", 0x0101,            \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_DID, -513, "did missing, not a string or empty", "AUTH-V11", 0x0101,            \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_SUB, -514, "client token sub missing, empty or not a string", "AUTH-V12",       \
    0x0101, "unauthorized")                                                                     \
  X(SB_ERR_AUTH_SID, -515, "client token sid invalid (not 8 non-zero bytes)", "AUTH-V12",       \
    0x0101, "unauthorized")                                                                     \
  X(SB_ERR_AUTH_REGION, -516, "region present and not the relay's region", "AUTH-V13", 0x0101,  \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_TTL, -517, "client token lifetime exp-iat over 300 s", "AUTH-V14", 0x0101,      \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_SCP, -518, "scp present and not an array of strings", "AUTH-V15", 0x0101,       \
    "unauthorized")                                                                             \
  X(SB_ERR_AUTH_LIM, -519, "lim.concurrent_sessions present and not an integer >= 1",           \
    "AUTH-V16", 0x0101, "unauthorized")                                                         \
  X(SB_ERR_AUTH_SID_ENCODING, -520, "sid is not 11 unpadded base64url chars of a non-zero u64", \
    "AUTH-010", 0, NULL)                                                                        \
  X(SB_ERR_AUTH_ROLE_MISMATCH, -521, "token role is not the role this endpoint serves",         \
    "AUTH-V10", 0x0101, "unauthorized")                                                         \
  X(SB_ERR_AUTH_PEEK_SID, -522, "session token has no readable sid (client SDK peek)",          \
    "AUTH-060", 0xE002, "handshake_failed")                                                     \
  X(SB_ERR_AUTH_PEEK_DID, -523, "presence token has no readable did (daemon SDK peek)",         \
    "AUTH-061", 400, "CloudApiError(400)")                                                      \
  X(SB_ERR_AUTH_DID_MISMATCH, -524, "supplied daemon ID differs from the token's did",          \
    "AUTH-061", 400, "CloudApiError(400)")                                                      \
                                                                                                \
  /* peer SDK (peer-runtime.md section 8); protocol name = the PeerErrorCode string */          \
  X(SB_ERR_PEER_CLOSED, -600, "peer is closed", "PEER-ERR-001", 0, "peer_closed")               \
  X(SB_ERR_PEER_METHOD_REGISTERED, -601, "RPC method already has a handler", "RPC-SDK-003", 0,  \
    "rpc_method_already_registered")                                                            \
  X(SB_ERR_PEER_RPC_CANCELLED, -602, "RPC call cancelled", "RPC-SDK-005", 0, "rpc_cancelled")   \
  X(SB_ERR_PEER_RPC_TIMEOUT, -603, "no RPC response within the timeout", "RPC-SDK-002", 0,      \
    "rpc_timeout")                                                                              \
  X(SB_ERR_PEER_RPC_ERROR, -604, "the remote answered with an RpcError", "RPC-SDK-001", 0,      \
    "rpc_error")                                                                                \
  X(SB_ERR_PEER_BUFFER_OVERFLOW, -605, "RPC disconnect buffer would exceed its limit",          \
    "PEER-BUF-002", 0, "buffer_overflow")                                                       \
  X(SB_ERR_PEER_NOT_CONNECTED, -606, "peer is not active", "PEER-BUF-001", 0, "not_connected")  \
  X(SB_ERR_PEER_SESSION_PAUSED, -607, "session is paused", "PEER-ERR-001", 0, "session_paused") \
  X(SB_ERR_PEER_INVALID_STATE, -608, "operation not valid in this peer state", "PEER-SM-003",   \
    0, "invalid_state")                                                                         \
  X(SB_ERR_PEER_CANCELLED, -609, "operation cancelled", "PEER-SM-006", 0, "cancelled")          \
  X(SB_ERR_PEER_REMOTE_FATAL, -610, "remote sent ErrorFrame 1000 or 1001", "SBP-ERR-001", 0,     \
    NULL)                                                                                       \
  /* the runtime Router and its receiver policies (peer/router.h); no PeerErrorCode */          \
  X(SB_ERR_ROUTER_HANDLER_TIMEOUT, -611, "RPC handler did not answer within its timeout",       \
    "RPC-ERR-003", 1103, NULL)                                                                  \
  X(SB_ERR_ROUTER_HANDLER_THREW, -612, "route handler threw", "RPC-RTR-003", 0, NULL)           \
  X(SB_ERR_ROUTER_FRAME_TOO_LARGE, -613, "frame larger than the receiver's maximum",            \
    "SBP-BEH-006", 1000, NULL)                                                                  \
  X(SB_ERR_ROUTER_THROTTLED, -614, "peer exceeded a rate limit (errors, handshakes or pings)",  \
    "SBP-ERR-013", 1000, NULL)                                                                  \
  X(SB_ERR_ROUTER_MESSAGE_TOO_BIG, -615, "transport message larger than the server's cap",      \
    "SBP-BEH-005", 1009, NULL)                                                                  \
  X(SB_ERR_ROUTER_IDLE, -616, "connection idle longer than the server's timeout",               \
    "SBP-BEH-005", 0, NULL)                                                                     \
                                                                                                \
  /* cloud SDK model (cloud.md); the parser reports line and reason */                          \
  X(SB_ERR_CLOUD_PIN_TEXT, -650, "pin store text malformed", "CLOUD-090", 0, NULL)

typedef enum sb_err {
  SB_OK = 0,
#define SB_ERR_ENUM_(name, value, text, req, code, proto) name = value,
  SB_ERR_LIST(SB_ERR_ENUM_)
#undef SB_ERR_ENUM_
} sb_err;

/* What the table knows about one error value. */
typedef struct sb_err_info {
  int value;              /* the negative sb_err value */
  const char *name;       /* "SB_ERR_SBP_RESERVED_FLAGS" */
  const char *text;       /* one line for humans */
  const char *req;        /* requirement ID it enforces, or NULL */
  unsigned proto_code;    /* protocol outcome code (1002, 0x0401, 1100...), 0 if none */
  const char *proto_name; /* protocol outcome name ("malformed_frame"...), or NULL */
} sb_err_info;

/* Table row for `err`, or NULL if `err` is 0 or not a known value. */
const sb_err_info *sb_err_lookup(int err);

/* Enum name of `err` ("SB_OK", "SB_ERR_..."); "SB_ERR_UNKNOWN" if not known. */
const char *sb_err_name(int err);

/* Human text of `err` ("ok" for 0); never NULL. */
const char *sb_err_str(int err);

/* Protocol outcome code of `err` (1002, 0x0401, 1100...), 0 if none. */
unsigned sb_err_proto_code(int err);

/* Protocol outcome name of `err` ("malformed_frame"...), or NULL if none. */
const char *sb_err_proto_name(int err);

/* Number of rows in the table and row `i` (0-based), for listings and tests. */
unsigned sb_err_count(void);
const sb_err_info *sb_err_at(unsigned i);

#endif
