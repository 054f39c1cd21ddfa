// Boost.JSON compiled into the fuzzers instead of linked from the installed library, so that
// the parser is instrumented too: its branches are most of what guides decode_envelope_fuzz.
#include <boost/json/src.hpp>
