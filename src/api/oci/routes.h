// The OCI distribution API under /v2/: route declarations and the handlers that translate
// HTTP requests into Registry calls. Stateless apart from the Registry it calls.
#pragma once

#include "http/router.h"
#include "registry/registry.h"

namespace surveyor::api::oci {

void AddRoutes(http::Router& router, registry::Registry& registry);

}  // namespace surveyor::api::oci
