// libFuzzer target: the debian importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kDebianTracker
#include "vulndb_fuzz_common.h"
