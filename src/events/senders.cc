#include "events/senders.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/json.h"
#include "events/envelope.h"

extern char** environ;

namespace surveyor::events {
namespace {

void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t WriteCapped(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t len = size * n;
  if (out->size() < kMaxResponseBytes) {
    out->append(data, std::min(len, kMaxResponseBytes - out->size()));
  }
  return len;
}

std::string Suffix(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

Status SendWebhook(const Target& target, const std::string& payload,
                   std::chrono::milliseconds timeout) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string secret;
  bool has_content_type = false;
  if (const Json* hp = GetObject(target.spec, "HttpParameters")) {
    if (const Json* h = GetObject(*hp, "HeaderParameters")) {
      for (const auto& [k, v] : h->items()) {
        if (!v.is_string()) continue;
        if (strcasecmp(k.c_str(), kSigningSecretHeader) == 0) {
          secret = v.get<std::string>();
          continue;
        }
        if (strcasecmp(k.c_str(), "content-type") == 0) has_content_type = true;
        headers.emplace_back(k, v.get<std::string>());
      }
    }
  }
  if (!has_content_type) headers.emplace_back("Content-Type", "application/json");
  if (!secret.empty()) {
    headers.emplace_back(kSignatureHeader, "sha256=" + HmacSha256Hex(secret, payload));
  }
  ASSIGN_OR_RETURN(HttpResult r, HttpPost(target.arn, headers, payload, timeout));
  if (r.status < 200 || r.status > 299) {
    return Unavailable("webhook answered HTTP " + std::to_string(r.status));
  }
  return Status::Ok();
}

Status SendCommand(const std::string& command, const std::string& payload,
                   std::chrono::milliseconds timeout) {
  int in_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return Internal("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  // The server ignores SIGPIPE; the command gets the default disposition back.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in_pipe[0]);
  if (rc != 0) {
    close(in_pipe[1]);
    return Unavailable("cannot start command: " + std::string(strerror(rc)));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Write the payload without blocking past the deadline. A command that exits without reading
  // stdin makes the write fail with EPIPE: SIGPIPE is blocked for this thread meanwhile, and a
  // signal raised by our write is consumed before unblocking.
  sigset_t pipe_set, old_mask;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  sigset_t pending;
  sigpending(&pending);
  const bool pipe_was_pending = sigismember(&pending, SIGPIPE) == 1;
  fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  size_t written = 0;
  bool timed_out = false;
  while (written < payload.size()) {
    ssize_t n = write(in_pipe[1], payload.data() + written, payload.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) break;  // EPIPE: the command closed stdin
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{in_pipe[1], POLLOUT, 0};
    poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
  }
  close(in_pipe[1]);
  if (!pipe_was_pending) {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  int status = 0;
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (timed_out || std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Unavailable("command timed out");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return Unavailable("command exited with status " +
                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
}

Status AppendJsonLine(const std::string& path, const std::string& payload) {
  // One line per event: JSON payloads are re-serialised compactly, other text becomes a string.
  std::string line;
  auto parsed = ParseJson(payload);
  line = parsed.ok() ? DumpJson(*parsed) : DumpJson(Json(payload));
  line += '\n';
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Unavailable("cannot open " + path + ": " + strerror(errno));
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = write(fd, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return Unavailable("cannot write " + path);
    }
    off += static_cast<size_t>(n);
  }
  int sync_rc = fdatasync(fd);
  close(fd);
  if (sync_rc != 0) return Unavailable("cannot sync " + path);
  return Status::Ok();
}

}  // namespace

std::string HmacSha256Hex(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

Result<HttpResult> HttpPost(const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            const std::string& body, std::chrono::milliseconds timeout) {
  CurlGlobalInit();
  // One handle per thread, reset before each use: its connection cache keeps connections to a
  // target alive between deliveries.
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() {
      if (curl) curl_easy_cleanup(curl);
    }
  };
  thread_local Handle handle;
  CURL* curl = handle.curl;
  if (!curl) return Internal("curl_easy_init failed");
  curl_easy_reset(curl);
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");
  HttpResult result;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "surveyor-events/1");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteCapped);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) return Unavailable(std::string("HTTP POST failed: ") + curl_easy_strerror(rc));
  return result;
}

Status PublishToTopic(store::Database& db, const std::string& topic_arn, const std::string& message,
                      std::chrono::milliseconds timeout) {
  std::vector<std::pair<std::string, std::string>> subs;  // (subscription arn, endpoint)
  {
    auto lock = db.Lock();
    ASSIGN_OR_RETURN(auto t, db.Prepare("SELECT 1 FROM events_topics WHERE arn = ?"));
    t.Bind(1, topic_arn);
    ASSIGN_OR_RETURN(bool exists, t.Step());
    if (!exists) return NotFound("topic " + topic_arn + " does not exist");
    ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT arn, endpoint FROM events_subscriptions WHERE "
                                        "topic_arn = ? AND confirmed = 1 ORDER BY arn"));
    s.Bind(1, topic_arn);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      subs.emplace_back(s.ColumnText(0), s.ColumnText(1));
    }
  }
  std::array<uint8_t, 16> rnd{};
  for (auto& b : rnd) b = static_cast<uint8_t>(std::rand());
  OrderedJson note;
  note["Type"] = "Notification";
  note["MessageId"] = FormatEventId(rnd);
  note["TopicArn"] = topic_arn;
  note["Message"] = message;
  note["Timestamp"] = FormatEventTime(std::chrono::system_clock::now());
  note["SignatureVersion"] = "1";
  Status first_error = Status::Ok();
  for (const auto& [sub_arn, endpoint] : subs) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "text/plain; charset=UTF-8"},
        {"x-amz-sns-message-type", "Notification"},
        {"x-amz-sns-topic-arn", topic_arn},
        {"x-amz-sns-subscription-arn", sub_arn}};
    auto r = HttpPost(endpoint, headers, DumpJson(note), timeout);
    Status s = !r.ok() ? r.status()
               : (r->status < 200 || r->status > 299)
                   ? Unavailable("subscriber answered HTTP " + std::to_string(r->status))
                   : Status::Ok();
    if (!s.ok() && first_error.ok()) first_error = s.WithContext(sub_arn);
  }
  return first_error;
}

Status SendToTarget(store::Database& db, const Target& target, const std::string& payload,
                    const SenderConfig& config) {
  ASSIGN_OR_RETURN(TargetKind kind, ClassifyTargetArn(target.arn));
  switch (kind) {
    case TargetKind::kWebhook:
      return SendWebhook(target, payload, config.timeout);
    case TargetKind::kTopic:
      return PublishToTopic(db, target.arn, PayloadAsText(payload), config.timeout);
    case TargetKind::kCommand: {
      auto it = config.commands.find(Suffix(target.arn));
      if (it == config.commands.end()) {
        return FailedPrecondition("no command target named '" + Suffix(target.arn) +
                                  "' in the configuration (events.command_targets)");
      }
      return SendCommand(it->second, payload, config.timeout);
    }
    case TargetKind::kFile: {
      auto it = config.files.find(Suffix(target.arn));
      if (it == config.files.end()) {
        return FailedPrecondition("no file target named '" + Suffix(target.arn) +
                                  "' in the configuration (events.file_targets)");
      }
      return AppendJsonLine(it->second, payload);
    }
  }
  return Internal("unknown target kind");
}

}  // namespace surveyor::events
