/*
 * Time as the reference sees it: an integer number of microseconds on a
 * clock the caller owns (the simulator's virtual clock, or a monotonic clock
 * in a live driver). Nothing in ref/ reads a clock; every time-dependent call
 * takes `now` as an argument.
 */
#ifndef SB_COMMON_TIME_H
#define SB_COMMON_TIME_H

#include <stdint.h>

typedef int64_t sb_time_us;

#define SB_TIME_US_PER_MS INT64_C(1000)
#define SB_TIME_US_PER_S INT64_C(1000000)

/* Conversions; the argument is evaluated once. */
#define SB_TIME_MS(ms) ((sb_time_us)(ms) * SB_TIME_US_PER_MS)
#define SB_TIME_S(s) ((sb_time_us)(s) * SB_TIME_US_PER_S)

/* "No deadline": later than any time a run can reach. */
#define SB_TIME_NEVER INT64_MAX

#endif
