#include "vulndb/curl_fetcher.h"

#include <curl/curl.h>

#include <cstdio>
#include <filesystem>
#include <mutex>

namespace surveyor::vulndb {
namespace {

struct Transfer {
  std::FILE* out = nullptr;
  uint64_t written = 0;
  uint64_t max_bytes = 0;
  bool too_big = false;
  bool write_failed = false;
  std::string etag;
  std::string last_modified;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->written + len > t->max_bytes) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  if (std::fwrite(data, 1, len, t->out) != len) {
    t->write_failed = true;
    return 0;
  }
  t->written += len;
  return len;
}

std::string HeaderValue(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() + 1) return "";
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return "";
  }
  if (line[name.size()] != ':') return "";
  std::string_view v = line.substr(name.size() + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
  return std::string(v);
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect): forget old headers
    t->etag.clear();
    t->last_modified.clear();
  }
  if (std::string v = HeaderValue(line, "etag"); !v.empty()) t->etag = v;
  if (std::string v = HeaderValue(line, "last-modified"); !v.empty()) t->last_modified = v;
  return size * n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

CurlFetcher::CurlFetcher() : CurlFetcher(Options{}) {}
CurlFetcher::CurlFetcher(Options options) : options_(options) { GlobalInit(); }

Result<Fetcher::Response> CurlFetcher::Fetch(const std::string& url, const std::string& etag,
                                             const std::string& last_modified,
                                             const std::string& dest_path) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Internal("curl_easy_init failed");
  const std::string tmp = dest_path + ".part";
  Transfer t;
  t.max_bytes = options_.max_bytes;
  t.out = std::fopen(tmp.c_str(), "wb");
  if (t.out == nullptr) {
    curl_easy_cleanup(curl);
    return Internal("cannot create " + tmp);
  }
  struct curl_slist* headers = nullptr;
  if (!etag.empty()) headers = curl_slist_append(headers, ("If-None-Match: " + etag).c_str());
  if (!last_modified.empty()) {
    headers = curl_slist_append(headers, ("If-Modified-Since: " + last_modified).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_s);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "surveyor-vulndb/0.1");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  const bool closed = std::fclose(t.out) == 0;
  std::error_code ec;
  auto discard = [&] { std::filesystem::remove(tmp, ec); };
  if (t.too_big) {
    discard();
    return ResourceExhausted(url + ": body larger than " + std::to_string(options_.max_bytes) + " bytes");
  }
  if (t.write_failed || !closed) {
    discard();
    return ResourceExhausted("cannot write " + tmp + " (disk full?)");
  }
  if (rc != CURLE_OK) {
    discard();
    return Unavailable(url + ": " + curl_easy_strerror(rc));
  }
  if (code == 304) {
    discard();
    Response r;
    r.not_modified = true;
    r.etag = etag;
    r.last_modified = last_modified;
    return r;
  }
  if (code == 404) {
    discard();
    return NotFound(url + ": HTTP 404");
  }
  if (code < 200 || code >= 300) {
    discard();
    return Unavailable(url + ": HTTP " + std::to_string(code));
  }
  std::filesystem::rename(tmp, dest_path, ec);
  if (ec) {
    discard();
    return Internal("cannot rename " + tmp + ": " + ec.message());
  }
  Response r;
  r.etag = t.etag;
  r.last_modified = t.last_modified;
  return r;
}

}  // namespace surveyor::vulndb
