// HashPipeline: hashes a stream on a second thread while the caller goes on with it, so that a
// stream costs the longer of its other work and its hashing, not their sum. An upload's socket
// and file copies (store::BlobStore) and an analysed layer's decompression and tar walk
// (analyze's diff_id check) run beside SHA-256, which is ~1.4 GB/s with SHA-NI.
//
// The caller borrows a buffer, fills it, and hands it back with Hash(n); the worker feeds the
// buffers to the Hasher in the order they were handed back. Memory is bounded at construction:
// `buffers` (at least 2) × `buffer_size`, allocated as they are first needed. A stream that fits in one buffer is hashed inline, without starting
// a thread, and so is everything when no thread can be started.
//
// One caller thread. The Hasher belongs to the pipeline until Finish() returns or the pipeline is
// destroyed (the destructor waits for the worker, so an abandoned stream never outlives it).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "common/digest.h"

namespace surveyor {

class HashPipeline {
 public:
  HashPipeline(Hasher& hasher, size_t buffers, size_t buffer_size);
  ~HashPipeline();
  HashPipeline(const HashPipeline&) = delete;
  HashPipeline& operator=(const HashPipeline&) = delete;

  // A buffer to fill; waits while every buffer is queued for hashing.
  std::span<char> Borrow();
  // Queues the first `n` bytes of the buffer Borrow() returned last; it must not be touched
  // again until Borrow() hands it out anew.
  void Hash(size_t n);
  // Waits until everything queued is hashed; the Hasher is the caller's again.
  void Finish();

 private:
  struct Chunk {
    size_t buffer;
    const char* data;
    size_t size;
  };
  void Work();
  void StopWorker();

  Hasher& hasher_;
  const size_t max_buffers_;
  const size_t buffer_size_;
  std::vector<std::unique_ptr<char[]>> buffers_;  // allocated as they are first needed
  size_t borrowed_ = 0;  // the buffer Borrow() last returned
  size_t chunks_ = 0;    // chunks handed back so far
  bool inline_ = false;  // no worker could be started: hash on the caller's thread

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<size_t> free_;    // buffers that may be borrowed
  std::deque<Chunk> queued_;   // chunks waiting for the worker, in stream order
  bool hashing_ = false;       // the worker holds a chunk
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace surveyor
