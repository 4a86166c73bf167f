#define _POSIX_C_SOURCE 200809L
#include "mutants.h"

#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "common/base64url.h"
#include "common/json.h"
#include "test/sbt.h"

/* ---- helpers ----------------------------------------------------------------- */

/* "<result>" or "<result> <member>=<compact JSON>" ("=-" when absent): the
 * part of an answer a probe looks at. */
static void summary(const sbv_answer *a, const char *member, char *out, size_t cap) {
  if (!member) {
    snprintf(out, cap, "%s", sbv_result_name(a->result));
    return;
  }
  const cJSON *v = sb_json_get(a->output, member);
  char *text = v ? sb_json_print(v) : NULL;
  snprintf(out, cap, "%s %s=%s", sbv_result_name(a->result), member, text ? text : "-");
  cJSON_free(text);
}

/* Run `type` on `input` as mutant `name` would (NULL: the reference) and
 * summarise the answer; "malformed: <msg>" if the input is refused. */
static void ask(const char *name, const char *type, const cJSON *input, const char *member,
                char *out, size_t cap) {
  const sbv_mutant *m = NULL;
  if (name) {
    m = sbv_mutant_find(name);
    SBT_CHECK(m != NULL, "mutant %s exists", name);
    if (!m) {
      snprintf(out, cap, "no mutant");
      return;
    }
  }
  sbv_answer a;
  char msg[SBV_MSG_SIZE];
  if (sbv_mutant_op_run(m, type, input, &a, msg) != 0) {
    snprintf(out, cap, "malformed: %s", msg);
    return;
  }
  summary(&a, member, out, cap);
  sbv_answer_clear(&a);
}

/* The reference answers `want_ref`, the mutant `want_mut`. */
static void expect_change(const char *name, const char *type, const cJSON *input,
                          const char *member, const char *want_ref, const char *want_mut) {
  char got[2048];
  ask(NULL, type, input, member, got, sizeof got);
  SBT_CHECK(strcmp(got, want_ref) == 0, "%s reference on %s: got [%s], want [%s]", name, type, got,
            want_ref);
  ask(name, type, input, member, got, sizeof got);
  SBT_CHECK(strcmp(got, want_mut) == 0, "%s on %s: got [%s], want [%s]", name, type, got, want_mut);
}

static void expect_change_text(const char *name, const char *type, const char *input,
                               const char *member, const char *want_ref, const char *want_mut) {
  cJSON *in = cJSON_Parse(input);
  SBT_CHECK(in != NULL, "probe input of %s parses", name);
  expect_change(name, type, in, member, want_ref, want_mut);
  cJSON_Delete(in);
}

/* The mutant answers exactly as the reference (its bug does not apply). */
static void expect_same_text(const char *name, const char *type, const char *input,
                             const char *member) {
  char want[2048], got[2048];
  cJSON *in = cJSON_Parse(input);
  ask(NULL, type, in, member, want, sizeof want);
  ask(name, type, in, member, got, sizeof got);
  SBT_CHECK(strcmp(got, want) == 0, "%s on %s: got [%s], reference [%s]", name, type, got, want);
  cJSON_Delete(in);
}

#define FID "000102030405060708090a0b0c0d0e0f"
#define KEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define SEAL(dir, seq)                                            \
  "{\"key\":\"" KEY "\",\"direction\":\"" dir "\",\"seq\":\"" seq \
  "\",\"sessionId\":\"7\",\"plaintext\":\"6869\"}"
#define SEED "1111111111111111111111111111111111111111111111111111111111111111"
#define CPRIV "2222222222222222222222222222222222222222222222222222222222222222"
#define DPRIV "3333333333333333333333333333333333333333333333333333333333333333"
#define HANDSHAKE                                                                                \
  "{\"identitySeed\":\"" SEED "\",\"daemonId\":\"daemon-1\",\"clientEphemeralPrivate\":\"" CPRIV \
  "\",\"daemonEphemeralPrivate\":\"" DPRIV "\"}"
/* The handshake above, as the reference computes it (values checked with
 * Python's hashlib/hmac: RFC 5869 HKDF, SHA-256 of the preimages). */
#define CPUB "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20"
#define DPUB "7b0d47d93427f8311160781c7c733fd89f88970aef490d8aa0ee19a4cb8a1b14"
#define IDPUB "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737"
#define SIG                                                                                      \
  "3d5dbb0d5a3e3b78c4d74b2ff3d9a2cb68ef9c10cf3762ec40b4775bd2b2c64354e09d8add90dbc00780f9e0c17d" \
  "af7e90c69a0c84cea231303ef66512fe960f"
#define FINISH                                                     \
  "{\"daemonId\":\"daemon-1\",\"clientEphemeralPrivate\":\"" CPRIV \
  "\",\"accept\":\"" IDPUB DPUB SIG "\"}"
#define FP_TAIL                                                                                   \
  "10:BA:68:2C:8A:D1:35:13:97:1E:8B:56:88:1A:AB:8B:D7:02:BB:80:77:96:EC:A8:19:32:C7:35:A9:4D:6E:" \
  "6D"

/* ---- each mutant changes what it says ------------------------------------------- */

static void sbp_mutants_change_their_rule_only(void) {
  /* SBP-WIRE-001: timestamp 1 little-endian reads as 2^56 big-endian;
   * a byte-palindrome timestamp reads the same both ways. */
  expect_change_text("sbp-timestamp-big-endian", "sbp.frame.decode",
                     "{\"frame\":\"0001" FID "010000000000000001\"}", "timestamp",
                     "valid timestamp=\"1\"", "valid timestamp=\"72057594037927936\"");
  expect_same_text("sbp-timestamp-big-endian", "sbp.frame.decode",
                   "{\"frame\":\"0001" FID "050505050505050501\"}", "timestamp");
  /* SBP-WIRE-005: flag bit 1 set. */
  expect_change_text("sbp-reserved-flags-ignored", "sbp.frame.decode",
                     "{\"frame\":\"0002" FID "01\"}", "op", "invalid op=-", "valid op=1");
  /* SBP-CTL-003: a Ping with one data byte. */
  expect_change_text("sbp-ping-data-accepted", "sbp.frame.decode",
                     "{\"frame\":\"0000" FID "01ff\"}", "data", "invalid data=-",
                     "valid data=\"ff\"");
  /* SBP-HS-004: version is a number (1002) and protocol mismatches (1001). */
  expect_change_text("sbp-handshake-mismatch-first", "sbp.handshake.decode",
                     "{\"payload\":\"7b2270726f746f636f6c223a226f74686572222c2276657273696f6e223a"
                     "312c22706565724964223a2270227d\"}",
                     "error", "invalid error=1002", "invalid error=1001");
}

static void sbp_subject_over_256_mutant_encodes_and_decodes_it(void) {
  /* SBP-SUBJ-002: app/ and 296 x's (300 bytes) is refused by the reference. */
  char subject[301];
  memcpy(subject, "app/", 4);
  memset(subject + 4, 'x', 296);
  subject[300] = '\0';
  cJSON *in = cJSON_CreateObject();
  cJSON_AddNumberToObject(in, "kind", 1);
  cJSON_AddStringToObject(in, "frameId", FID);
  cJSON_AddStringToObject(in, "subject", subject);
  cJSON_AddStringToObject(in, "data", "aa");
  expect_change("sbp-subject-over-256-accepted", "sbp.frame.encode", in, NULL, "invalid", "valid");
  sbv_answer a;
  char msg[SBV_MSG_SIZE], got[512];
  const sbv_mutant *m = sbv_mutant_find("sbp-subject-over-256-accepted");
  SBT_OK(sbv_mutant_op_run(m, "sbp.frame.encode", in, &a, msg));
  cJSON *dec = cJSON_CreateObject();
  cJSON_AddStringToObject(dec, "frame", cJSON_GetStringValue(sb_json_get(a.output, "frame")));
  expect_change("sbp-subject-over-256-accepted", "sbp.frame.decode", dec, "data", "invalid data=-",
                "valid data=\"aa\"");
  ask("sbp-subject-over-256-accepted", "sbp.frame.decode", dec, "subject", got, sizeof got);
  SBT_CHECK(strstr(got, subject) != NULL, "decoded subject is the 300-byte one: %.60s", got);
  /* A long subject outside app/ still fails its namespace check. */
  memcpy(subject, "zzz/", 4);
  cJSON_ReplaceItemInObject(in, "subject", cJSON_CreateString(subject));
  expect_change("sbp-subject-over-256-accepted", "sbp.frame.encode", in, "error",
                "invalid error=1002", "invalid error=1002");
  sbv_answer_clear(&a);
  cJSON_Delete(dec);
  cJSON_Delete(in);
}

static void rpc_and_event_mutants_change_their_rule_only(void) {
  /* RPC-ENV-007: {"t":"r","m":"x","cid":"0123456789ABCDEF0123456789abcdef"} */
  expect_change_text(
      "rpc-cid-upper-case-accepted", "rpc.envelope.decode",
      "{\"subject\":\"rpc\",\"data\":\"7b2274223a2272222c226d223a2278222c22636964"
      "223a223031323334353637383941424344454630313233343536373839616263646566227d\"}",
      "cid", "invalid cid=-", "valid cid=\"0123456789abcdef0123456789abcdef\"");
  /* RPC-ENV-006: {"t":"N","e":"a","cid":"zz"} on event. */
  expect_change_text(
      "rpc-notification-cid-validated", "rpc.envelope.decode",
      "{\"subject\":\"event\",\"data\":\"7b2274223a224e222c2265223a2261222c2263696422"
      "3a227a7a227d\"}",
      "error", "valid error=-", "invalid error=1100");
  /* RPC-CH-001: {"t":"N","e":"a"} on rpc. */
  expect_change_text("rpc-notification-on-rpc-accepted", "rpc.envelope.decode",
                     "{\"subject\":\"rpc\",\"data\":\"7b2274223a224e222c2265223a2261227d\"}", "t",
                     "invalid t=-", "valid t=\"N\"");
  expect_same_text("rpc-notification-on-rpc-accepted", "rpc.envelope.decode",
                   "{\"subject\":\"app/x\",\"data\":\"7b2274223a224e222c2265223a2261227d\"}",
                   "error");
  /* EVT-PAT-001 */
  expect_change_text("events-gt-matches-zero", "events.match",
                     "{\"pattern\":\"a.b.>\",\"name\":\"a.b\"}", "match", "valid match=false",
                     "valid match=true");
  expect_same_text("events-gt-matches-zero", "events.match", "{\"pattern\":\"a.>\",\"name\":\"b\"}",
                   "match");
  expect_change_text("events-star-matches-many", "events.match",
                     "{\"pattern\":\"a.*.c\",\"name\":\"a.b.x.c\"}", "match", "valid match=false",
                     "valid match=true");
  expect_same_text("events-star-matches-many", "events.match",
                   "{\"pattern\":\"a.*\",\"name\":\"a\"}", "match");
  /* EVT-PAT-006 */
  expect_change_text("events-wildcard-name-accepted", "events.validate", "{\"name\":\"a.*\"}", NULL,
                     "invalid", "valid");
  expect_same_text("events-wildcard-name-accepted", "events.validate", "{\"name\":\"a.>.b\"}",
                   "error");
}

static void sbrp_wire_mutants_change_their_rule_only(void) {
  /* SBRP-WIRE-010: Length 8 read little-endian is 2^27. */
  expect_change_text("sbrp-length-little-endian", "sbrp.frame.decode",
                     "{\"frame\":\"100000000800000000000000000102030405060708\"}", "error",
                     "valid error=-", "invalid error=\"payload_too_large\"");
  expect_same_text("sbrp-length-little-endian", "sbrp.frame.decode",
                   "{\"frame\":\"10000000000000000000000000\"}", "payload");
  expect_change_text("sbrp-length-little-endian", "sbrp.frame.encode",
                     "{\"type\":16,\"sessionId\":\"0\",\"payload\":\"0102\"}", "frame",
                     "valid frame=\"100000000200000000000000000102\"",
                     "valid frame=\"100200000000000000000000000102\"");
  /* SBRP-RELAY-010: type 0x05 with Length 65537. */
  expect_change_text("sbrp-size-after-type", "sbrp.frame.decode",
                     "{\"frame\":\"05000100010000000000000001\"}", "error",
                     "invalid error=\"payload_too_large\"", "invalid error=\"invalid_frame_type\"");
  expect_change_text(
      "sbrp-size-after-type", "sbrp.relay.validate",
      "{\"frame\":\"05000100010000000000000001\",\"sender\":\"client\"}", "control",
      "invalid control={\"code\":1026,\"name\":\"payload_too_large\",\"sessionId\":\"0\"}",
      "invalid control={\"code\":1027,\"name\":\"invalid_frame_type\",\"sessionId\":\"0\"}");
  /* SBRP-WIRE-014: a Ping with SessionID 1. */
  expect_change_text(
      "sbrp-scope-as-malformed", "sbrp.relay.validate",
      "{\"frame\":\"10000000000000000000000001\",\"sender\":\"client\"}", "control",
      "invalid control={\"code\":1028,\"name\":\"invalid_session_id\",\"sessionId\":\"0\"}",
      "invalid control={\"code\":1025,\"name\":\"malformed_frame\",\"sessionId\":\"0\"}");
  /* SBRP-WIRE-022, SBRP-KA-002: a 9-byte Ping. */
  expect_change_text(
      "sbrp-ping-limit-ignored", "sbrp.relay.validate",
      "{\"frame\":\"10000000090000000000000000010203040506070809\",\"sender\":\"client\"}", "pong",
      "invalid pong=-", "valid pong=\"11000000090000000000000000010203040506070809\"");
  expect_change_text("sbrp-ping-limit-ignored", "sbrp.frame.decode",
                     "{\"frame\":\"11000000090000000000000000010203040506070809\"}", "payload",
                     "invalid payload=-", "valid payload=\"010203040506070809\"");
  expect_change_text("sbrp-ping-limit-ignored", "sbrp.frame.encode",
                     "{\"type\":16,\"sessionId\":\"0\",\"payload\":\"010203040506070809\"}", NULL,
                     "invalid", "valid");
  /* SBRP-CTRL-005: Control code 0x77ff. */
  expect_change_text("sbrp-control-unknown-rejected", "sbrp.frame.decode",
                     "{\"frame\":\"2000000002000000000000000077ff\"}", "error", "valid error=-",
                     "invalid error=\"malformed_frame\"");
  expect_same_text("sbrp-control-unknown-rejected", "sbrp.frame.decode",
                   "{\"frame\":\"200000000200000000000000000401\"}", "error");
  expect_change_text("sbrp-control-unknown-non-terminal", "sbrp.control.info", "{\"code\":30583}",
                     "terminal", "valid terminal=true", "valid terminal=false");
  expect_same_text("sbrp-control-unknown-non-terminal", "sbrp.control.info", "{\"code\":1025}",
                   "terminal");
  /* SBRP-SIG-005, SBRP-RELAY-011: Signal close from a client, SessionID 7. */
  const char *signal = "{\"frame\":\"040000000200000000000000070100\",\"sender\":\"client\"}";
  expect_change_text("sbrp-client-signal-forwarded", "sbrp.relay.validate", signal, "action",
                     "invalid action=\"reject\"", "valid action=\"forward\"");
  expect_change_text(
      "sbrp-disallowed-sender-sid-zero", "sbrp.relay.validate", signal, "control",
      "invalid control={\"code\":1029,\"name\":\"disallowed_sender\",\"sessionId\":\"7\"}",
      "invalid control={\"code\":1029,\"name\":\"disallowed_sender\",\"sessionId\":\"0\"}");
}

static void sbrp_data_mutants_change_their_rule_only(void) {
  /* SBRP-CRYPTO-020: the client's nonce starts 00000002 instead of 00000001. */
  expect_change_text(
      "sbrp-nonce-directions-swapped", "sbrp.data.seal", SEAL("c2d", "5"), "payload",
      "valid payload=\"0000000100000000000000052d835be1a43181dab0759f9cf559bb7c6025\"",
      "valid payload=\"0000000200000000000000051494f279dcd8fd86636dfcb95104e78f6e0d\"");
  /* ...which is what a correct daemon seals. */
  expect_change_text(
      "sbrp-nonce-directions-swapped", "sbrp.data.seal", SEAL("d2c", "5"), "payload",
      "valid payload=\"0000000200000000000000051494f279dcd8fd86636dfcb95104e78f6e0d\"",
      "valid payload=\"0000000100000000000000052d835be1a43181dab0759f9cf559bb7c6025\"");
  /* SBRP-CRYPTO-022: same ciphertext, another tag; and a correct frame no longer opens. */
  expect_change_text(
      "sbrp-aad-header", "sbrp.data.seal", SEAL("c2d", "5"), "payload",
      "valid payload=\"0000000100000000000000052d835be1a43181dab0759f9cf559bb7c6025\"",
      "valid payload=\"0000000100000000000000052d832f457ace18d06178853962096c460b81\"");
  expect_change_text("sbrp-aad-header", "sbrp.data.open",
                     "{\"key\":\"" KEY
                     "\",\"direction\":\"c2d\",\"frame\":\"030000001e000000000000"
                     "00070000000100000000000000052d835be1a43181dab0759f9cf559bb7c6025\"}",
                     "plaintext", "valid plaintext=\"6869\"", "invalid plaintext=-");
  expect_change_text("sbrp-aad-header", "sbrp.data.open",
                     "{\"key\":\"" KEY
                     "\",\"direction\":\"c2d\",\"frame\":\"030000001e000000000000"
                     "00070000000100000000000000052d832f457ace18d06178853962096c460b81\"}",
                     "plaintext", "invalid plaintext=-", "valid plaintext=\"6869\"");
  /* SBRP-CRYPTO-032 */
  expect_change_text(
      "sbrp-seal-last-sequence", "sbrp.data.seal", SEAL("d2c", "18446744073709551615"), "payload",
      "invalid payload=-",
      "valid payload=\"00000002ffffffffffffffff1f5e090e73b020fb0e55923dee4f052e6fab\"");
}

static void replay_mutants_change_their_rule_only(void) {
  /* The design table (sbrp.md section 6, W = 128) catches two of them. */
  const char *table =
      "{\"window\":128,\"seqs\":[\"0\",\"0\",\"2\",\"1\",\"1\",\"129\",\"1\",\"2\",\"3\",\"130\","
      "\"2\",\"1000000\",\"999873\",\"999872\",\"1000000\",\"18446744073709551615\",\"1000001\"]}";
  const char *want =
      "valid "
      "decisions=[\"accept\",\"reject\",\"accept\",\"accept\",\"reject\",\"accept\",\"reject\","
      "\"reject\",\"accept\",\"accept\",\"reject\",\"accept\",\"accept\",\"reject\",\"reject\","
      "\"accept\",\"reject\"]";
  /* SBRP-REPLAY-001: 1 at diff 128 (7th) and 2 at diff 128 (11th) accepted. */
  expect_change_text("replay-off-by-one", "sbrp.replay", table, "decisions", want,
                     "valid decisions=[\"accept\",\"reject\",\"accept\",\"accept\",\"reject\","
                     "\"accept\",\"accept\",\"reject\",\"accept\",\"accept\",\"accept\",\"accept\","
                     "\"accept\",\"accept\",\"reject\",\"accept\",\"reject\"]");
  /* SBRP-REPLAY-004: after the jump to 1000000 the old bits mark 999873 and 999872 seen. */
  expect_change_text("replay-no-reset-on-jump", "sbrp.replay", table, "decisions", want,
                     "valid decisions=[\"accept\",\"reject\",\"accept\",\"accept\",\"reject\","
                     "\"accept\",\"reject\",\"reject\",\"accept\",\"accept\",\"reject\",\"accept\","
                     "\"reject\",\"reject\",\"reject\",\"accept\",\"reject\"]");
  expect_same_text("replay-records-rejected", "sbrp.replay", table, "decisions");
  /* SBRP-REPLAY-005: 800 (diff 200) shares slot 72 with 928, never seen. */
  expect_change_text("replay-records-rejected", "sbrp.replay",
                     "{\"window\":128,\"seqs\":[\"1000\",\"800\",\"928\"]}", "decisions",
                     "valid decisions=[\"accept\",\"reject\",\"accept\"]",
                     "valid decisions=[\"accept\",\"reject\",\"reject\"]");
}

static void handshake_mutants_change_their_rule_only(void) {
  /* SBRP-CRYPTO-005: HKDF(salt = ss, IKM = th); HKDF without the signature in th. */
  expect_change_text(
      "hkdf-salt-ikm-swapped", "sbrp.handshake", HANDSHAKE, "clientToDaemon",
      "valid clientToDaemon=\"a7e93ab448dcefa8c29e0f525b835fc862c9440d48ef3104df8c99d43a010098\"",
      "valid clientToDaemon=\"4892ea3a2f201801b5008dd6183582e73ead70ed144546cdcff63aa7fee711b6\"");
  expect_change_text(
      "hkdf-salt-ikm-swapped", "sbrp.handshake.finish", FINISH, "clientToDaemon",
      "valid clientToDaemon=\"a7e93ab448dcefa8c29e0f525b835fc862c9440d48ef3104df8c99d43a010098\"",
      "valid clientToDaemon=\"4892ea3a2f201801b5008dd6183582e73ead70ed144546cdcff63aa7fee711b6\"");
  expect_change_text(
      "transcript-without-signature", "sbrp.handshake", HANDSHAKE, "transcriptHash",
      "valid transcriptHash=\"8aa92d5ca0df6999c50fd83934160bf49c13f110aa064fcecc0af919f9051f8c\"",
      "valid transcriptHash=\"3654c83f0f6897a0f29662d81e1dae93851db10d5b1e63099af1678900d3ef8c\"");
  expect_change_text(
      "transcript-without-signature", "sbrp.handshake.finish", FINISH, "daemonToClient",
      "valid daemonToClient=\"310998d900447bc6490112e137617314f568f17d2caa5c6b582d227096da6a90\"",
      "valid daemonToClient=\"cc4ebeafb16547745a1870da85bcbb7e36aba70f4d67bdfe5d1114755fbfe2aa\"");
  /* SBRP-CRYPTO-002: it signs CTX_SIG | did | cEph | dEph itself, and the
   * client no longer verifies a correct HandshakeAccept. */
  expect_change_text(
      "signature-over-preimage", "sbrp.handshake", HANDSHAKE, "signaturePayload",
      "valid signaturePayload=\"d92c4bb9f1fc86b4339f2f37586b09849b5c10450ce0e6fe0f6938269990f380\"",
      "valid signaturePayload=\"736272702d76312d68616e647368616b656461656d6f6e2d31" CPUB DPUB "\"");
  expect_change_text("signature-over-preimage", "sbrp.handshake.finish", FINISH, "error",
                     "valid error=-", "invalid error=\"handshake_failed\"");
  /* SBRP-TOFU-007 */
  char lower[] = "valid fingerprint=\"SHA256:" FP_TAIL "\"";
  for (char *p = lower + strlen("valid fingerprint=\"SHA256:"); *p; p++)
    *p = (char)tolower((unsigned char)*p);
  expect_change_text("fingerprint-lower-case", "sbrp.handshake", HANDSHAKE, "fingerprint",
                     "valid fingerprint=\"SHA256:" FP_TAIL "\"", lower);
  expect_change_text("fingerprint-no-prefix", "sbrp.handshake.finish", FINISH, "fingerprint",
                     "valid fingerprint=\"SHA256:" FP_TAIL "\"",
                     "valid fingerprint=\"" FP_TAIL "\"");
}

static void sid_mutants_change_their_rule_only(void) {
  /* AUTH-010 */
  expect_change_text("sid-encoded-with-padding", "auth.sid.encode", "{\"sessionId\":\"1\"}", "sid",
                     "valid sid=\"AAAAAAAAAAE\"", "valid sid=\"AAAAAAAAAAE=\"");
  expect_change_text("sid-padding-accepted", "auth.sid.decode", "{\"sid\":\"AAAAAAAAAAE=\"}",
                     "sessionId", "invalid sessionId=-", "valid sessionId=\"1\"");
  expect_same_text("sid-padding-accepted", "auth.sid.decode", "{\"sid\":\"AAAAAAAAAAA=\"}",
                   "error");
  expect_change_text("sid-non-canonical-accepted", "auth.sid.decode", "{\"sid\":\"AAAAAAAAAAF\"}",
                     "sessionId", "invalid sessionId=-", "valid sessionId=\"1\"");
  expect_same_text("sid-non-canonical-accepted", "auth.sid.decode", "{\"sid\":\"AAAAAAAAAA+\"}",
                   "error");
}

/* ---- tokens ---------------------------------------------------------------------- */

#define NOW 1700000000
#define ISSUER "https://cp.example"

/* A token-verify input: `claims` (JSON text) signed under kid "k1", the
 * JWKS holding that key, now = NOW, expected issuer and role. */
static cJSON *token_input(const char *claims, const char *role) {
  uint8_t seed[32];
  memset(seed, 7, sizeof seed);
  sb_auth_signing_key key;
  SBT_OK(sb_auth_signing_key_from_seed(&key, seed));
  const char *hdr = "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"}";
  char tok[2048], jwks[512];
  size_t n;
  SBT_OK(sb_auth_token_mint_raw((const uint8_t *)hdr, strlen(hdr), (const uint8_t *)claims,
                                strlen(claims), &key, tok, sizeof tok, &n));
  sb_auth_jwk jwk = {.kid = "k1", .alg_eddsa = true};
  memcpy(jwk.x, key.pk, 32);
  SBT_OK(sb_auth_jwks_format(&jwk, 1, jwks, sizeof jwks, &n));
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "token", tok);
  cJSON_AddItemToObject(in, "jwks", cJSON_Parse(jwks));
  cJSON_AddNumberToObject(in, "now", NOW);
  cJSON *expect = cJSON_AddObjectToObject(in, "expect");
  cJSON_AddStringToObject(expect, "issuer", ISSUER);
  if (role) cJSON_AddStringToObject(expect, "role", role);
  return in;
}

static void expect_token(const char *mutant, const char *claims, const char *role,
                         const char *want_ref, const char *want_mut) {
  cJSON *in = token_input(claims, role);
  expect_change(mutant, "auth.token.verify", in, "error", want_ref, want_mut);
  cJSON_Delete(in);
}

#define CLAIMS(aud, iss, exp, extra)                                                    \
  "{\"iss\":\"" iss "\",\"aud\":[\"" aud "\"],\"exp\":" exp ",\"iat\":1699999900" extra \
  ",\"role\":\"daemon\",\"did\":\"d1\"}"

static void token_mutants_change_their_step_only(void) {
  /* AUTH-V08: expired 100 s ago (beyond the 30 s allowance), and 10 s ago (within it). */
  expect_token("token-expiry-unchecked", CLAIMS("sideband-relay", ISSUER, "1699999900", ""), NULL,
               "invalid error=\"AUTH-V08\"", "valid error=-");
  expect_token("token-skew-ignored", CLAIMS("sideband-relay", ISSUER, "1699999990", ""), NULL,
               "valid error=-", "invalid error=\"AUTH-V08\"");
  /* AUTH-V05 / AUTH-V06: both wrong. */
  expect_token("token-iss-before-aud", CLAIMS("other", "https://evil", "1700000100", ""), NULL,
               "invalid error=\"AUTH-V05\"", "invalid error=\"AUTH-V06\"");
  expect_token("token-iss-before-aud", CLAIMS("other", ISSUER, "1700000100", ""), NULL,
               "invalid error=\"AUTH-V05\"", "invalid error=\"AUTH-V05\"");
  /* AUTH-V09: "1" passes; the later steps still run (did empty fails step 11). */
  expect_token("token-ver-string-accepted",
               CLAIMS("sideband-relay", ISSUER, "1700000100", ",\"ver\":\"1\""), NULL,
               "invalid error=\"AUTH-V09\"", "valid error=-");
  expect_token("token-ver-string-accepted",
               "{\"iss\":\"" ISSUER
               "\",\"aud\":\"sideband-relay\",\"exp\":1700000100,\"iat\":"
               "1699999900,\"ver\":\"1\",\"role\":\"daemon\",\"did\":\"\"}",
               NULL, "invalid error=\"AUTH-V09\"", "invalid error=\"AUTH-V11\"");
  expect_token("token-ver-string-accepted",
               CLAIMS("sideband-relay", ISSUER, "1700000100", ",\"ver\":\"2\""), NULL,
               "invalid error=\"AUTH-V09\"", "invalid error=\"AUTH-V09\"");
  /* The claims reported are the token's own, ver "1" included. */
  cJSON *in = token_input(CLAIMS("sideband-relay", ISSUER, "1700000100", ",\"ver\":\"1\""), NULL);
  char got[512];
  ask("token-ver-string-accepted", "auth.token.verify", in, "claims", got, sizeof got);
  SBT_CHECK(strstr(got, "\"ver\":\"1\"") != NULL, "claims keep ver \"1\": %s", got);
  cJSON_Delete(in);
  /* AUTH-V10: a daemon token at a client endpoint. */
  expect_token("token-role-unchecked", CLAIMS("sideband-relay", ISSUER, "1700000100", ""), "client",
               "invalid error=\"AUTH-V10\"", "valid error=-");
}

static void backoff_mutants_change_the_formula_only(void) {
  /* PEER-RETRY-002: attempt 10 of 1000 ms is capped at 30000 ms. */
  const char *capped =
      "{\"policy\":{\"initialMs\":1000,\"maxMs\":30000,\"jitter\":0.2},\"attempt\":10,\"random\":0."
      "5}";
  expect_change_text("backoff-no-cap", "peer.backoff", capped, "delayMs", "valid delayMs=30000",
                     "valid delayMs=1024000");
  /* B = 4000, r = 0.25: 4000 - 400 by the formula, 4000 + 200 with the bug. */
  const char *low =
      "{\"policy\":{\"initialMs\":1000,\"maxMs\":30000,\"jitter\":0.2},\"attempt\":2,\"random\":0."
      "25}";
  expect_change_text("backoff-jitter-plus-only", "peer.backoff", low, "delayMs",
                     "valid delayMs=3600", "valid delayMs=4200");
  expect_same_text("backoff-no-cap", "peer.backoff", low, "delayMs");
  expect_same_text("backoff-jitter-plus-only", "peer.backoff",
                   "{\"policy\":{\"initialMs\":1000,\"maxMs\":30000,\"jitter\":0.2},\"attempt\":2,"
                   "\"random\":1.5}",
                   "delayMs");
}

/* ---- the registry ---------------------------------------------------------------- */

/* The operation types each mutant answers itself; every other type must be
 * passed through to the reference. */
static const struct {
  const char *mutant, *types;
} touched[] = {
    {"sbp-timestamp-big-endian", "sbp.frame.decode"},
    {"sbp-reserved-flags-ignored", "sbp.frame.decode"},
    {"sbp-subject-over-256-accepted", "sbp.frame.decode sbp.frame.encode"},
    {"sbp-ping-data-accepted", "sbp.frame.decode"},
    {"sbp-handshake-mismatch-first", "sbp.handshake.decode"},
    {"rpc-cid-upper-case-accepted", "rpc.envelope.decode"},
    {"rpc-notification-cid-validated", "rpc.envelope.decode"},
    {"rpc-notification-on-rpc-accepted", "rpc.envelope.decode"},
    {"events-gt-matches-zero", "events.match"},
    {"events-star-matches-many", "events.match"},
    {"events-wildcard-name-accepted", "events.validate"},
    {"sbrp-length-little-endian",
     "sbrp.frame.decode sbrp.frame.encode sbrp.relay.validate sbrp.data.seal sbrp.data.open"},
    {"sbrp-size-after-type",
     "sbrp.frame.decode sbrp.frame.encode sbrp.relay.validate sbrp.data.open"},
    {"sbrp-scope-as-malformed",
     "sbrp.frame.decode sbrp.frame.encode sbrp.relay.validate sbrp.data.seal sbrp.data.open"},
    {"sbrp-ping-limit-ignored", "sbrp.frame.decode sbrp.frame.encode sbrp.relay.validate"},
    {"sbrp-control-unknown-rejected", "sbrp.frame.decode"},
    {"sbrp-control-unknown-non-terminal", "sbrp.control.info"},
    {"sbrp-client-signal-forwarded", "sbrp.relay.validate"},
    {"sbrp-disallowed-sender-sid-zero", "sbrp.relay.validate"},
    {"sbrp-nonce-directions-swapped", "sbrp.data.seal"},
    {"sbrp-aad-header", "sbrp.data.seal sbrp.data.open"},
    {"sbrp-seal-last-sequence", "sbrp.data.seal"},
    {"replay-off-by-one", "sbrp.replay"},
    {"replay-no-reset-on-jump", "sbrp.replay"},
    {"replay-records-rejected", "sbrp.replay"},
    {"hkdf-salt-ikm-swapped", "sbrp.handshake sbrp.handshake.finish"},
    {"transcript-without-signature", "sbrp.handshake sbrp.handshake.finish"},
    {"signature-over-preimage", "sbrp.handshake sbrp.handshake.finish"},
    {"fingerprint-lower-case", "sbrp.handshake sbrp.handshake.finish"},
    {"fingerprint-no-prefix", "sbrp.handshake sbrp.handshake.finish"},
    {"sid-encoded-with-padding", "auth.sid.encode"},
    {"sid-padding-accepted", "auth.sid.decode"},
    {"sid-non-canonical-accepted", "auth.sid.decode"},
    {"token-expiry-unchecked", "auth.token.verify"},
    {"token-skew-ignored", "auth.token.verify"},
    {"token-iss-before-aud", "auth.token.verify"},
    {"token-ver-string-accepted", "auth.token.verify"},
    {"token-role-unchecked", "auth.token.verify"},
    {"backoff-no-cap", "peer.backoff"},
    {"backoff-jitter-plus-only", "peer.backoff"},
};

static bool listed(const char *types, const char *type) {
  size_t n = strlen(type);
  for (const char *p = strstr(types, type); p; p = strstr(p + 1, type))
    if ((p == types || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
  return false;
}

static void every_mutant_passes_unrelated_types_through(void) {
  size_t n = sizeof touched / sizeof touched[0];
  SBT_CHECK(sbv_mutant_count() == n, "%zu mutants, %zu described here", sbv_mutant_count(), n);
  cJSON *empty = cJSON_CreateObject();
  for (size_t i = 0; i < n; i++) {
    const sbv_mutant *m = sbv_mutant_find(touched[i].mutant);
    SBT_CHECK(m != NULL, "mutant %s exists", touched[i].mutant);
    if (!m) continue;
    for (size_t k = 0; k < sbv_op_count(); k++) {
      const char *type = sbv_op_at(k)->type;
      sbv_answer a;
      char msg[SBV_MSG_SIZE];
      int rc = m->run(type, empty, &a, msg);
      if (listed(touched[i].types, type)) {
        /* Its own types: it answers (here: the input is malformed, as the reference says). */
        SBT_CHECK(rc == -1, "%s answers %s itself (rc %d)", m->name, type, rc);
      } else {
        SBT_CHECK(rc == SBV_MUTANT_PASS, "%s passes %s through (rc %d)", m->name, type, rc);
      }
      if (rc == 0) sbv_answer_clear(&a);
    }
    SBT_CHECK(m->run("no.such.type", empty, NULL, NULL) == SBV_MUTANT_PASS,
              "%s passes an unknown type through", m->name);
  }
  cJSON_Delete(empty);
}

/* Requirement IDs of the catalogs ref/<layer>/requirements*.tsv, as one
 * string " ID ID ... " (the tests run from the repository root). */
static char *catalog_ids(void) {
  glob_t gl;
  size_t cap = 1 << 16, len = 1;
  char *ids = calloc(1, cap), line[1024];
  ids[0] = ' ';
  if (glob("ref/*/requirements*.tsv", 0, NULL, &gl) != 0) return ids;
  for (size_t i = 0; i < gl.gl_pathc; i++) {
    FILE *f = fopen(gl.gl_pathv[i], "r");
    while (f && fgets(line, sizeof line, f)) {
      size_t n = strcspn(line, "\t\n");
      if (line[0] == '#' || n == 0 || len + n + 2 > cap) continue;
      memcpy(ids + len, line, n);
      len += n;
      ids[len++] = ' ';
      ids[len] = '\0';
    }
    if (f) fclose(f);
  }
  globfree(&gl);
  return ids;
}

static void mutants_are_named_described_and_cite_catalog_ids(void) {
  char *ids = catalog_ids();
  SBT_CHECK(strlen(ids) > 100, "requirement catalogs found (run from the repository root)");
  SBT_CHECK(sbv_mutant_count() >= 24, "at least 24 mutants, got %zu", sbv_mutant_count());
  for (size_t i = 0; i < sbv_mutant_count(); i++) {
    const sbv_mutant *m = sbv_mutant_at(i);
    SBT_CHECK(sbv_mutant_find(m->name) == m, "%s is found by name, once", m->name);
    bool kebab = m->name[0] != '\0';
    for (const char *p = m->name; *p; p++)
      kebab &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    SBT_CHECK(kebab, "%s is kebab-case", m->name);
    SBT_CHECK(m->description && strlen(m->description) > 10 && !strchr(m->description, '\n'),
              "%s has a one-line description", m->name);
    char *reqs = strdup(m->reqs), *save = NULL;
    int count = 0;
    for (char *id = strtok_r(reqs, " ", &save); id; id = strtok_r(NULL, " ", &save), count++) {
      char key[64];
      snprintf(key, sizeof key, " %s ", id);
      SBT_CHECK(strstr(ids, key) != NULL, "%s cites %s, a catalog ID", m->name, id);
    }
    SBT_CHECK(count > 0, "%s cites a requirement", m->name);
    free(reqs);
  }
  SBT_CHECK(sbv_mutant_at(sbv_mutant_count()) == NULL, "past the end is NULL");
  SBT_CHECK(sbv_mutant_find("no-such-mutant") == NULL && sbv_mutant_find(NULL) == NULL,
            "unknown names are not found");
  free(ids);
}

static void malformed_inputs_are_reported_as_the_reference_reports_them(void) {
  /* Every mutant on a malformed input of its own types: -1 and the reference's message. */
  cJSON *in = cJSON_Parse(
      "{\"frame\":\"zz\",\"sid\":7,\"seqs\":\"x\",\"window\":1,\"code\":-1,"
      "\"pattern\":\"a\",\"token\":1,\"policy\":1,\"payload\":\"0\"}");
  for (size_t i = 0; i < sizeof touched / sizeof touched[0]; i++) {
    const sbv_mutant *m = sbv_mutant_find(touched[i].mutant);
    for (size_t k = 0; m && k < sbv_op_count(); k++) {
      const char *type = sbv_op_at(k)->type;
      if (!listed(touched[i].types, type)) continue;
      sbv_answer a, r;
      char msg[SBV_MSG_SIZE], rmsg[SBV_MSG_SIZE];
      int rrc = sbv_op_run(type, in, &r, rmsg), rc = sbv_mutant_op_run(m, type, in, &a, msg);
      SBT_CHECK(rc == rrc, "%s on malformed %s: rc %d, reference %d", m->name, type, rc, rrc);
      if (rc == -1 && rrc == -1) SBT_STR_EQ(msg, rmsg);
      if (rc == 0) sbv_answer_clear(&a);
      if (rrc == 0) sbv_answer_clear(&r);
    }
  }
  cJSON_Delete(in);
}

SBT_SUITE(sim_mutants, "sim/mutants", SBT_CASE(sbp_mutants_change_their_rule_only),
          SBT_CASE(sbp_subject_over_256_mutant_encodes_and_decodes_it),
          SBT_CASE(rpc_and_event_mutants_change_their_rule_only),
          SBT_CASE(sbrp_wire_mutants_change_their_rule_only),
          SBT_CASE(sbrp_data_mutants_change_their_rule_only),
          SBT_CASE(replay_mutants_change_their_rule_only),
          SBT_CASE(handshake_mutants_change_their_rule_only),
          SBT_CASE(sid_mutants_change_their_rule_only),
          SBT_CASE(token_mutants_change_their_step_only),
          SBT_CASE(backoff_mutants_change_the_formula_only),
          SBT_CASE(every_mutant_passes_unrelated_types_through),
          SBT_CASE(mutants_are_named_described_and_cite_catalog_ids),
          SBT_CASE(malformed_inputs_are_reported_as_the_reference_reports_them))
