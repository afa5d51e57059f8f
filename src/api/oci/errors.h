// OCI distribution error responses: a Status with an OCI error code becomes the spec's JSON
// body {"errors":[{"code","message","detail"}]} with the HTTP status that code calls for.
#pragma once

#include "common/status.h"
#include "http/message.h"

namespace surveyor::api::oci {

// HTTP status for a failed Status: by OCI code first, then by canonical code.
int HttpStatusFor(const Status& status);
// The OCI code to report: the Status's domain code, or one derived from its canonical code.
std::string OciCodeFor(const Status& status);
http::Response ErrorResponse(const Status& status);

}  // namespace surveyor::api::oci
