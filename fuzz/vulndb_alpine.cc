// libFuzzer target: the alpine importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kAlpineSecdb
#include "vulndb_fuzz_common.h"
