// libFuzzer target: the osv_yaml importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kOsvYaml
#include "vulndb_fuzz_common.h"
