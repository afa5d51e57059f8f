#include "common/fs.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace surveyor {
namespace {

class FsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-fs-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { (void)system(("rm -rf " + dir_).c_str()); }
  std::string dir_;
  FileSystem& fs_ = PosixFileSystem::Default();
};

TEST_F(FsTest, AtomicWriteThenRead) {
  const std::string path = JoinPath(dir_, "a/b/file");
  ASSERT_TRUE(fs_.MakeDirs(DirName(path)).ok());
  ASSERT_TRUE(fs_.WriteFileAtomic(path, "hello").ok());
  EXPECT_EQ(*fs_.ReadFile(path, 100), "hello");
  ASSERT_TRUE(fs_.WriteFileAtomic(path, "bye").ok());
  EXPECT_EQ(*fs_.ReadFile(path, 100), "bye");
  EXPECT_EQ(fs_.ReadFile(path, 2).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(*fs_.FileSize(path), 3u);
  auto names = fs_.ListDir(DirName(path));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"file"});  // no temporary left behind
}

TEST_F(FsTest, MissingFilesAreNotFound) {
  EXPECT_EQ(fs_.ReadFile(JoinPath(dir_, "nope"), 10).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fs_.Remove(JoinPath(dir_, "nope")).code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs_.Exists(JoinPath(dir_, "nope")));
}

TEST_F(FsTest, AppendKeepsContent) {
  const std::string path = JoinPath(dir_, "log");
  {
    auto f = fs_.OpenWritable(path, false);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("ab").ok());
  }
  auto f = fs_.OpenWritable(path, true);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->size(), 2u);
  ASSERT_TRUE((*f)->Append("cd").ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(*fs_.ReadFile(path, 100), "abcd");
}

TEST(PathTest, JoinAndDirName) {
  EXPECT_EQ(JoinPath("a/", "/b"), "a/b");
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(DirName("/x/y/z"), "/x/y");
  EXPECT_EQ(DirName("z"), ".");
}

}  // namespace
}  // namespace surveyor
