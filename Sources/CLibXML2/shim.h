// libxml2, used for streaming XML writing (xmlTextWriter) and schema validation in tests.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, and encoding.h then includes the system's ICU headers, whose
// enums clash with the ICU copy Foundation bundles (_FoundationICU) in any module importing both.
// seatsweep never uses libxml2's ICU converters (they are trailing members of
// xmlCharEncodingHandler, only ever reached through pointers), so leave them out.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
