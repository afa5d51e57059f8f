#include "auth/bootstrap.h"

#include <openssl/crypto.h>

#include "auth/private_file.h"
#include "common/fs.h"

namespace surveyor::auth {

std::string FormatCredentialsFile(const AccessKeyWithSecret& key) {
  std::string out;
  out += "# Surveyor access key created at first start for user '" + key.info.user_name + "'.\n";
  out += "# Use it with: AWS_SHARED_CREDENTIALS_FILE=<this file> aws --endpoint-url <server> ...\n";
  out += "# Keep this file private (mode 0600); delete it once the key is stored elsewhere.\n";
  out += "[default]\n";
  out += "aws_access_key_id = " + key.info.access_key_id + "\n";
  out += "aws_secret_access_key = " + key.secret_access_key + "\n";
  return out;
}

Result<BootstrapResult> EnsureBootstrapKey(const std::string& data_dir, KeyStore& keys) {
  BootstrapResult result;
  const std::string path = JoinPath(data_dir, kBootstrapCredentialsFile);
  if (PosixFileSystem::Default().Exists(path)) {
    result.path = path;
    return result;
  }
  ASSIGN_OR_RETURN(std::vector<AccessKeyInfo> existing, keys.List());
  if (!existing.empty()) return result;
  RETURN_IF_ERROR(PosixFileSystem::Default().MakeDirs(data_dir));
  ASSIGN_OR_RETURN(AccessKeyWithSecret key, keys.Create(kBootstrapUserName));
  std::string text = FormatCredentialsFile(key);
  Status written = WritePrivateFile(path, text, /*overwrite=*/false);
  OPENSSL_cleanse(text.data(), text.size());
  OPENSSL_cleanse(key.secret_access_key.data(), key.secret_access_key.size());
  if (!written.ok()) {
    (void)keys.Delete(key.info.access_key_id);
    return written.WithContext("writing the bootstrap credentials file");
  }
  result.path = path;
  result.created = true;
  result.access_key_id = key.info.access_key_id;
  return result;
}

}  // namespace surveyor::auth
