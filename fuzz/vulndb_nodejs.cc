// libFuzzer target: the nodejs importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kNodejsWg
#include "vulndb_fuzz_common.h"
