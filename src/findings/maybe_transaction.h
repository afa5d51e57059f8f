// Internal to src/findings: joins the caller's open transaction when there is one (so that
// events or other state can commit atomically with findings), otherwise opens its own. Holds the
// database lock for its lifetime; not shared between threads.
#pragma once

#include <mutex>
#include <optional>

#include "store/sqlite.h"

namespace surveyor::findings {

class MaybeTransaction {
 public:
  explicit MaybeTransaction(store::Database& db) : lock_(db.Lock()) {
    if (db.InTransaction()) return;
    tx_.emplace(db);
  }
  const Status& begin_status() const { return tx_ ? tx_->begin_status() : ok_; }
  Status Commit() { return tx_ ? tx_->Commit() : Status::Ok(); }

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  std::optional<store::Transaction> tx_;
  Status ok_;
};

}  // namespace surveyor::findings
