#include "sbrp/machine.h"

const char *sb_sbrp_trust_name(sb_sbrp_trust t) {
  switch (t) {
    case SB_SBRP_TRUST_PROMPT: return "prompt";
    case SB_SBRP_TRUST_AUTO: return "auto";
    case SB_SBRP_TRUST_PINNED_ONLY: return "pinned-only";
  }
  return NULL;
}
