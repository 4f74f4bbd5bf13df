# Script half of kiosk_embed: turns one file into a C++ byte array.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR n "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
file(WRITE ${OUT} "// Generated from ${IN}\n#include <string_view>\nnamespace ${NS} {\nstatic const char k_${IDENT}[] = {${body} '\\0'};\nstd::string_view ${IDENT}() { return {k_${IDENT}, ${n}}; }\n}\n")
