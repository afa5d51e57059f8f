#include "common/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

namespace surveyor {
namespace {

constexpr size_t kHighWater = 1 << 20;  // pause the transfer when this much is unread

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::optional<std::string> Find(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return std::nullopt;
}

class CurlStream final : public HttpStream {
 public:
  CurlStream(const HttpRequest& request, const HttpClientOptions& options) : url_(request.url) {
    easy_ = curl_easy_init();
    multi_ = curl_multi_init();
    if (!easy_ || !multi_) return;
    for (const auto& [n, v] : request.headers) {
      request_headers_ = curl_slist_append(request_headers_, (n + ": " + v).c_str());
    }
    // No "Expect: 100-continue" round trip for request bodies.
    request_headers_ = curl_slist_append(request_headers_, "Expect:");
    body_ = request.body;
    curl_easy_setopt(easy_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, options.max_redirects);
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME, options.stall_timeout_s);
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, request_headers_);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &CurlStream::OnBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &CurlStream::OnHeader);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
    if (request.method == "HEAD") {
      curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET" || !body_.empty()) {
      curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, body_.data());
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
    }
    curl_multi_add_handle(multi_, easy_);
  }

  ~CurlStream() override {
    if (multi_ && easy_) curl_multi_remove_handle(multi_, easy_);
    if (easy_) curl_easy_cleanup(easy_);
    if (multi_) curl_multi_cleanup(multi_);
    curl_slist_free_all(request_headers_);
  }

  // Runs the transfer until the response headers are complete (the body started or ended).
  Status Start() {
    if (!easy_ || !multi_) return Internal("curl initialisation failed");
    while (!body_started_ && !done_) RETURN_IF_ERROR(Pump());
    if (done_ && result_ != CURLE_OK) return Unavailable(url_ + ": " + curl_easy_strerror(result_));
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status_);
    return Status::Ok();
  }

  long status() const override { return status_; }
  const HttpHeaders& headers() const override { return headers_; }
  std::string effective_url() const override {
    char* u = nullptr;
    curl_easy_getinfo(easy_, CURLINFO_EFFECTIVE_URL, &u);
    return u ? std::string(u) : url_;
  }

  Result<size_t> Read(char* out, size_t n) override {
    while (pos_ == buf_.size() && !done_) RETURN_IF_ERROR(Pump());
    if (pos_ == buf_.size()) {
      if (result_ != CURLE_OK) {
        return Unavailable(url_ + ": transfer failed: " + curl_easy_strerror(result_));
      }
      return size_t{0};
    }
    size_t k = std::min(n, buf_.size() - pos_);
    std::memcpy(out, buf_.data() + pos_, k);
    pos_ += k;
    if (pos_ == buf_.size()) {
      buf_.clear();
      pos_ = 0;
    }
    return k;
  }

 private:
  static size_t OnBody(char* data, size_t size, size_t n, void* user) {
    auto* self = static_cast<CurlStream*>(user);
    const size_t len = size * n;
    if (self->buf_.size() - self->pos_ >= kHighWater) {
      self->paused_ = true;
      return CURL_WRITEFUNC_PAUSE;  // curl keeps the chunk and delivers it again on resume
    }
    if (self->pos_ > 0) {
      self->buf_.erase(0, self->pos_);
      self->pos_ = 0;
    }
    self->buf_.append(data, len);
    self->body_started_ = true;
    return len;
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* user) {
    auto* self = static_cast<CurlStream*>(user);
    std::string_view line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.rfind("HTTP/", 0) == 0) {
      self->headers_.clear();  // a new response (after a redirect or a 100)
      return size * n;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || self->headers_.size() >= 256) return size * n;
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view v = line.substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    self->headers_.emplace_back(std::move(name), std::string(v));
    return size * n;
  }

  // One round of the transfer: resume if paused, perform, wait for the socket.
  Status Pump() {
    if (paused_) {
      paused_ = false;
      curl_easy_pause(easy_, CURLPAUSE_CONT);
    }
    int running = 0;
    CURLMcode mc = curl_multi_perform(multi_, &running);
    if (mc != CURLM_OK) return Unavailable(url_ + ": " + curl_multi_strerror(mc));
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg == CURLMSG_DONE) {
        done_ = true;
        result_ = msg->data.result;
      }
    }
    if (done_ || pos_ < buf_.size() || paused_) return Status::Ok();
    mc = curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    if (mc != CURLM_OK) return Unavailable(url_ + ": " + curl_multi_strerror(mc));
    return Status::Ok();
  }

  std::string url_;
  std::string body_;
  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  curl_slist* request_headers_ = nullptr;
  HttpHeaders headers_;
  long status_ = 0;
  std::string buf_;
  size_t pos_ = 0;
  bool body_started_ = false;
  bool paused_ = false;
  bool done_ = false;
  CURLcode result_ = CURLE_OK;
};

}  // namespace

std::optional<std::string> HttpStream::Header(std::string_view lower_name) const {
  return Find(headers(), lower_name);
}

std::optional<std::string> HttpResponse::Header(std::string_view lower_name) const {
  return Find(headers, lower_name);
}

Result<std::string> HttpStream::ReadAll(uint64_t max_bytes) {
  std::string out;
  char buf[16 << 10];
  while (true) {
    ASSIGN_OR_RETURN(size_t n, Read(buf, sizeof buf));
    if (n == 0) return out;
    if (out.size() + n > max_bytes) {
      return ResourceExhausted("response body larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, n);
  }
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) { GlobalInit(); }

Result<std::unique_ptr<HttpStream>> HttpClient::Open(const HttpRequest& request) const {
  auto stream = std::make_unique<CurlStream>(request, options_);
  RETURN_IF_ERROR(stream->Start());
  return std::unique_ptr<HttpStream>(std::move(stream));
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request, uint64_t max_body_bytes) const {
  ASSIGN_OR_RETURN(auto stream, Open(request));
  HttpResponse r;
  r.status = stream->status();
  r.headers = stream->headers();
  auto body = stream->ReadAll(max_body_bytes);
  if (!body.ok()) return body.status().WithContext(request.url);
  r.body = std::move(*body);
  return r;
}

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace surveyor
