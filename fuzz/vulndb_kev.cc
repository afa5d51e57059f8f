// libFuzzer target: the kev importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kKev
#include "vulndb_fuzz_common.h"
