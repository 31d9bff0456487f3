// libxml2, used for streaming XML writing (xmlTextWriter), reading (xmlTextReader) and schema
// validation in tests.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, and libxml/encoding.h then includes the system's ICU headers.
// Those clash with the ICU copy Foundation ships (module _FoundationICU, "enum UErrorCode ... is
// not present in definition") in any Swift module that imports both. seatsweep never touches the
// ICU fields of an encoding handler, so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
