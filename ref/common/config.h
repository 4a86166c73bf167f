/*
 * Portability helpers and tunables for the whole reference library, in one
 * place (as Lua's luaconf.h). Protocol constants live with their layer
 * (SB_SBRP_HEADER_BYTES in sbrp/frame.h); only knobs the suite chooses live here.
 */
#ifndef SB_COMMON_CONFIG_H
#define SB_COMMON_CONFIG_H

#include <stddef.h>

/* Results that must be checked: functions returning 0 or a negative sb_err. */
#if defined(__GNUC__) || defined(__clang__)
#define SB_NODISCARD __attribute__((warn_unused_result))
#else
#define SB_NODISCARD
#endif

#define SB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Largest replay window the reference supports, in sequence numbers. The
 * bitmap is stored inline, so this bounds the size of sb_sbrp_replay. */
#define SB_CONFIG_REPLAY_MAX_WINDOW 2048u

/* Clock-skew allowance applied to token `exp` when the caller passes none
 * (auth.md: at most 30 s). */
#define SB_CONFIG_AUTH_DEFAULT_SKEW_S 30

#endif
