// libFuzzer target: the nvd importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kNvd
#include "vulndb_fuzz_common.h"
