// The router: an ordered list of named routes, each a predicate over the request and a handler.
// The first route whose predicate accepts the request handles it; its name labels the metrics.
// Built once at start-up, then read-only and safe to share between threads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace surveyor::http {

class Router {
 public:
  using Predicate = std::function<bool(const Request&)>;

  void Add(std::string name, Predicate accepts, Handler handler);
  // Exact path and method.
  void AddExact(std::string name, Method method, std::string path, Handler handler);
  // Every request whose path starts with `prefix`.
  void AddPrefix(std::string name, std::string prefix, Handler handler);

  // Runs the matching handler; 404 when no route accepts the request.
  Response Dispatch(Request& request) const;

 private:
  struct Route {
    std::string name;
    Predicate accepts;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace surveyor::http
