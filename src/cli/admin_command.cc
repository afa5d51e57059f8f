// `surveyor admin create-access-key | list-access-keys | delete-access-key`: manage the access
// keys that sign ECR/Inspector2 calls. Output mirrors `aws iam create-access-key` /
// `list-access-keys` JSON. The secret is printed once, on create, and nowhere else. Safe to run
// while the server is up (SQLite WAL); a running server notices a deletion within its cache TTL.
#include <iostream>
#include <memory>

#include "auth/sqlite_key_store.h"
#include "cli/commands.h"
#include "common/fs.h"
#include "common/json.h"

namespace surveyor::cli {
namespace {

struct AdminFlags {
  std::string data_dir = "data";
  std::string user = "admin";
  std::string access_key_id;
};

Result<std::unique_ptr<auth::SqliteKeyStore>> OpenKeys(const AdminFlags& flags) {
  RETURN_IF_ERROR(PosixFileSystem::Default().MakeDirs(flags.data_dir));
  return auth::SqliteKeyStore::Open(auth::KeyStoreOptionsForDataDir(flags.data_dir));
}

int Fail(std::string_view what, const Status& s) {
  std::cerr << "surveyor admin " << what << ": " << s.message() << "\n";
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

int CreateKey(const AdminFlags& flags) {
  auto keys = OpenKeys(flags);
  if (!keys.ok()) return Fail("create-access-key", keys.status());
  auto key = (*keys)->Create(flags.user);
  if (!key.ok()) return Fail("create-access-key", key.status());
  OrderedJson out;
  out["AccessKey"] = {{"UserName", key->info.user_name},
                      {"AccessKeyId", key->info.access_key_id},
                      {"Status", "Active"},
                      {"SecretAccessKey", key->secret_access_key},
                      {"CreateDate", FormatRfc3339(key->info.created_at)}};
  std::cout << DumpJson(out, 4) << "\n";
  return 0;
}

int ListKeys(const AdminFlags& flags) {
  auto keys = OpenKeys(flags);
  if (!keys.ok()) return Fail("list-access-keys", keys.status());
  auto list = (*keys)->List();
  if (!list.ok()) return Fail("list-access-keys", list.status());
  OrderedJson out;
  out["AccessKeyMetadata"] = OrderedJson::array();
  for (const auto& k : *list) {
    out["AccessKeyMetadata"].push_back({{"UserName", k.user_name},
                                        {"AccessKeyId", k.access_key_id},
                                        {"Status", "Active"},
                                        {"CreateDate", FormatRfc3339(k.created_at)}});
  }
  std::cout << DumpJson(out, 4) << "\n";
  return 0;
}

int DeleteKey(const AdminFlags& flags) {
  auto keys = OpenKeys(flags);
  if (!keys.ok()) return Fail("delete-access-key", keys.status());
  if (Status s = (*keys)->Delete(flags.access_key_id); !s.ok()) {
    return Fail("delete-access-key", s);
  }
  return 0;
}

}  // namespace

void RegisterAdminCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* admin = app.add_subcommand("admin", "Administration: access keys");
  admin->require_subcommand(1);
  auto flags = std::make_shared<AdminFlags>();

  CLI::App* create =
      admin->add_subcommand("create-access-key", "Create an access key (prints the secret once)");
  create->add_option("--data", flags->data_dir, "data directory (default ./data)");
  create->add_option("--user-name", flags->user, "the key's user (default admin)");
  create->callback([flags, &ctx] { ctx.exit_code = CreateKey(*flags); });

  CLI::App* list = admin->add_subcommand("list-access-keys", "List access keys (no secrets)");
  list->add_option("--data", flags->data_dir, "data directory (default ./data)");
  list->callback([flags, &ctx] { ctx.exit_code = ListKeys(*flags); });

  CLI::App* del = admin->add_subcommand("delete-access-key", "Delete an access key");
  del->add_option("--data", flags->data_dir, "data directory (default ./data)");
  del->add_option("--access-key-id", flags->access_key_id, "the key to delete")->required();
  del->callback([flags, &ctx] { ctx.exit_code = DeleteKey(*flags); });
}

}  // namespace surveyor::cli
