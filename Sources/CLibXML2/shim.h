// libxml2, used for streaming XML writing (xmlTextWriter) and schema validation in tests.
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
