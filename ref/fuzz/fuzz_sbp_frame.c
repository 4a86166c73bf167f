/*
 * Fuzz target sbp_frame: SBP frame decoding (sbp/frame.h), input = one
 * transport message.
 *
 * Invariants: every decode failure is InvalidFrame (1002); every frame that
 * decodes is canonical, so encode(decode(x)) == x byte for byte, and the
 * size query (NULL, 0) gives its length; a decoded Message subject passes
 * the subject check with the kind the decoder reported.
 */
#include "fuzz.h"

#include "common/error.h"
#include "sbp/frame.h"
#include "sbp/subject.h"

static void check_reencode(const sb_sbp_frame *f, const uint8_t *data, size_t size) {
  size_t need = 0;
  FUZZ_ASSERT(sb_sbp_frame_encode(f, NULL, 0, &need) == SB_ERR_BUF);
  FUZZ_ASSERT(need == size);
  uint8_t *out = malloc(size); /* exact size: ASan sees any write past it */
  FUZZ_ASSERT(out != NULL);
  size_t n = 0;
  int rc = sb_sbp_frame_encode(f, out, size, &n);
  FUZZ_ASSERT(rc == SB_OK);
  FUZZ_ASSERT(n == size);
  FUZZ_ASSERT(memcmp(out, data, size) == 0);
  free(out);
}

static void check_fields(const sb_sbp_frame *f) {
  FUZZ_ASSERT(f->kind <= SB_SBP_KIND_ERROR);
  FUZZ_ASSERT(sb_sbp_kind_name(f->kind) != NULL);
  FUZZ_ASSERT(f->flags == (f->has_timestamp ? SB_SBP_FLAG_TIMESTAMP : 0));
  switch (f->kind) {
    case SB_SBP_KIND_CONTROL:
      FUZZ_ASSERT(sb_sbp_op_name(f->control.op) != NULL);
      fuzz_keep_bytes(f->control.data, f->control.data_len);
      break;
    case SB_SBP_KIND_MESSAGE: {
      sb_sbp_subject_kind kind = 0;
      FUZZ_ASSERT(sb_sbp_subject_check(f->message.subject, f->message.subject_len, &kind) ==
                  SB_OK);
      FUZZ_ASSERT(kind == f->message.subject_kind);
      FUZZ_ASSERT(sb_sbp_subject_kind_name(kind) != NULL);
      int accept = sb_sbp_subject_accept(kind);
      FUZZ_ASSERT(accept == SB_OK ||
                  (accept == SB_ERR_SBP_SUBJECT_RESERVED && kind == SB_SBP_SUBJECT_STREAM_RESERVED));
      fuzz_keep_bytes(f->message.data, f->message.data_len);
      break;
    }
    case SB_SBP_KIND_ACK: fuzz_keep_bytes(f->ack.ack_frame_id, SB_SBP_FRAME_ID_BYTES); break;
    default:
      fuzz_keep(f->error.code);
      fuzz_keep_bytes(f->error.message, f->error.message_len);
      fuzz_keep_bytes(f->error.details, f->error.details_len);
      break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sb_sbp_frame f;
  int rc = sb_sbp_frame_decode(data, size, &f);
  if (rc != SB_OK) {
    FUZZ_ASSERT(rc < 0 && sb_err_lookup(rc) != NULL);
    FUZZ_ASSERT(sb_err_proto_code(rc) == 1002);
    fuzz_keep((uint64_t)-rc);
    return 0;
  }
  check_fields(&f);
  check_reencode(&f, data, size);
  return 0;
}
