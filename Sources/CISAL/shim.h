// zlib, for the workbook's deflate streams and CRC-32 (ZIPFoundation's own copy of the module is
// not a product other packages can use).
#include <zlib.h>
