// Intel ISA-L (Debian libisal-dev), for the workbook's deflate streams and CRC-32: its level 1
// deflates sheet XML three to four times as fast as zlib's level 1, into slightly smaller files.
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

/// The work buffer level 1 asks for (a macro expression Swift does not import).
static inline uint32_t seatsweep_isal_level1_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }

/// Whether a stream given `end_of_stream` has written all of it.
static inline int seatsweep_isal_finished(const struct isal_zstream *stream) {
    return stream->internal_state.state == ZSTATE_END;
}
