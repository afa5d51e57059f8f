#include "common/hash_pipeline.h"

#include <algorithm>
#include <system_error>

namespace surveyor {

HashPipeline::HashPipeline(Hasher& hasher, size_t buffers, size_t buffer_size)
    : hasher_(hasher), max_buffers_(std::max<size_t>(buffers, 2)), buffer_size_(buffer_size) {
  buffers_.reserve(max_buffers_);
}

HashPipeline::~HashPipeline() { StopWorker(); }

std::span<char> HashPipeline::Borrow() {
  std::unique_lock lock(mu_);
  if (free_.empty() && buffers_.size() < max_buffers_) {
    buffers_.push_back(std::make_unique_for_overwrite<char[]>(buffer_size_));
    borrowed_ = buffers_.size() - 1;
  } else {
    changed_.wait(lock, [this] { return !free_.empty(); });
    borrowed_ = free_.front();
    free_.pop_front();
  }
  return {buffers_[borrowed_].get(), buffer_size_};
}

void HashPipeline::Hash(size_t n) {
  ++chunks_;
  // The first chunk is hashed inline: a stream that ends with it never starts a thread.
  if (chunks_ > 1 && !inline_ && !worker_.joinable()) {
    try {
      worker_ = std::thread([this] { Work(); });
    } catch (const std::system_error&) {
      inline_ = true;
    }
  }
  if (!worker_.joinable()) {
    hasher_.Update(buffers_[borrowed_].get(), n);
    std::lock_guard lock(mu_);
    free_.push_back(borrowed_);
    return;
  }
  std::lock_guard lock(mu_);
  queued_.push_back({borrowed_, buffers_[borrowed_].get(), n});
  changed_.notify_all();
}

void HashPipeline::Finish() {
  {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return queued_.empty() && !hashing_; });
  }
  StopWorker();
}

void HashPipeline::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [this] { return stop_ || !queued_.empty(); });
    if (stop_) return;  // Finish() drains first; otherwise the stream was abandoned
    const Chunk chunk = queued_.front();
    queued_.pop_front();
    hashing_ = true;
    lock.unlock();
    hasher_.Update(chunk.data, chunk.size);
    lock.lock();
    hashing_ = false;
    free_.push_back(chunk.buffer);
    changed_.notify_all();
  }
}

void HashPipeline::StopWorker() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
  stop_ = false;
}

}  // namespace surveyor
