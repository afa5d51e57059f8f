// libFuzzer target: the osv_json importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kOsvJson
#include "vulndb_fuzz_common.h"
