// libFuzzer target: the friendsofphp importer parser (see vulndb_fuzz_common.h).
#define SURVEYOR_FUZZ_FORMAT surveyor::vulndb::FeedFormat::kFriendsOfPhp
#include "vulndb_fuzz_common.h"
