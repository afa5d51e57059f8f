#include "http/router.h"

namespace surveyor::http {

void Router::Add(std::string name, Predicate accepts, Handler handler) {
  routes_.push_back({std::move(name), std::move(accepts), std::move(handler)});
}

void Router::AddExact(std::string name, Method method, std::string path, Handler handler) {
  Add(std::move(name),
      [method, path = std::move(path)](const Request& r) {
        return r.path == path && (r.method == method ||
                                  (method == Method::kGet && r.method == Method::kHead));
      },
      std::move(handler));
}

void Router::AddPrefix(std::string name, std::string prefix, Handler handler) {
  Add(std::move(name),
      [prefix = std::move(prefix)](const Request& r) { return r.path.starts_with(prefix); },
      std::move(handler));
}

Response Router::Dispatch(Request& request) const {
  for (const auto& route : routes_) {
    if (!route.accepts(request)) continue;
    Response r = route.handler(request);
    if (r.route.empty()) r.route = route.name;
    return r;
  }
  Response r = Response::Text(404, "not found\n");
  r.route = "unmatched";
  return r;
}

}  // namespace surveyor::http
