// libFuzzer target: the epss importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kEpss
#include "vulndb_fuzz_common.h"
