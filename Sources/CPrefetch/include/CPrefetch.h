#ifndef CPREFETCH_H
#define CPREFETCH_H

/// Asks the CPU to start loading the cache line at `address` for reading. A hint only: it never
/// faults, whatever the address.
static inline void seatsweep_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// The same, for a line about to be written.
static inline void seatsweep_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }

#endif
