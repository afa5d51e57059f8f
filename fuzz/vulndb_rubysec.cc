// libFuzzer target: the rubysec importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kRubySec
#include "vulndb_fuzz_common.h"
