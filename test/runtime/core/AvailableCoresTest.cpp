//===- AvailableCoresTest.cpp - CPU quotas from cgroup files --------------===//
//
// cgroupCpuLimit on folders laid out as the kernel shows cgroups to a
// process: a /proc/self with mountinfo and cgroup, and the mounted
// hierarchies below a root. Covers cgroup v2 (cpu.max, at the process's own
// level and at a parent's), v1's cpu controller mounted with cpuacct, a
// container's view (the mount's root is the container's cgroup, and a path
// outside it is not read), mountinfo's octal escapes, no quota ("max", -1),
// the tightest of several, and malformed or missing files.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/AvailableCores.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace {

using strata::cgroupCpuLimit;

class CgroupFiles : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/strata-cgroups-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root = pattern;
    write("proc/self/.keep", "");
  }
  void TearDown() override { std::system(("rm -rf '" + root + "'").c_str()); }

  /// Writes `text` to ROOT/relative, making its folders.
  void write(const std::string &relative, const std::string &text) {
    for (size_t slash = relative.find('/'); slash != std::string::npos;
         slash = relative.find('/', slash + 1))
      mkdir((root + "/" + relative.substr(0, slash)).c_str(), 0755);
    std::ofstream(root + "/" + relative) << text;
  }

  double limit() { return cgroupCpuLimit(root + "/proc/self", root); }

  std::string root;
};

constexpr const char *kV2Mount =
    "30 25 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate\n";

TEST_F(CgroupFiles, V2QuotaOfTheProcesssCgroup) {
  write("proc/self/mountinfo", kV2Mount);
  write("proc/self/cgroup", "0::/user.slice/job\n");
  write("sys/fs/cgroup/user.slice/job/cpu.max", "150000 100000\n");
  write("sys/fs/cgroup/user.slice/cpu.max", "max 100000\n");
  EXPECT_DOUBLE_EQ(limit(), 1.5);
}

TEST_F(CgroupFiles, V2QuotaOfAParentIsTheTightest) {
  write("proc/self/mountinfo", kV2Mount);
  write("proc/self/cgroup", "0::/user.slice/job\n");
  write("sys/fs/cgroup/user.slice/job/cpu.max", "400000 100000\n");
  write("sys/fs/cgroup/user.slice/cpu.max", "50000 100000\n");
  write("sys/fs/cgroup/cpu.max", "max 100000\n");
  EXPECT_DOUBLE_EQ(limit(), 0.5);
}

TEST_F(CgroupFiles, V2WithoutQuota) {
  write("proc/self/mountinfo", kV2Mount);
  write("proc/self/cgroup", "0::/\n");
  write("sys/fs/cgroup/cpu.max", "max 100000\n");
  EXPECT_DOUBLE_EQ(limit(), 0);
}

TEST_F(CgroupFiles, V1CpuControllerMountedWithCpuacct) {
  write("proc/self/mountinfo",
        "35 30 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "36 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n");
  write("proc/self/cgroup", "5:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "100000\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_quota_us", "-1\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_period_us", "100000\n");
  // The memory hierarchy's files are never read as a CPU quota.
  write("sys/fs/cgroup/memory/docker/abc/cpu.cfs_quota_us", "1000\n");
  EXPECT_DOUBLE_EQ(limit(), 1.0);
}

TEST_F(CgroupFiles, V1NoQuota) {
  write("proc/self/mountinfo",
        "36 30 0:31 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n");
  write("proc/self/cgroup", "1:cpu:/\n");
  write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
  write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
  EXPECT_DOUBLE_EQ(limit(), 0);
}

TEST_F(CgroupFiles, ContainerViewStripsTheMountsRoot) {
  // The hierarchy mounted from the container's own cgroup: the path the
  // process sees starts with the mount's root, the files are at the top.
  write("proc/self/mountinfo",
        "40 35 0:26 /kubepods/pod1 /sys/fs/cgroup ro,relatime - cgroup2 cgroup2 rw\n");
  write("proc/self/cgroup", "0::/kubepods/pod1/app\n");
  write("sys/fs/cgroup/app/cpu.max", "max 100000\n");
  write("sys/fs/cgroup/cpu.max", "250000 100000\n");
  EXPECT_DOUBLE_EQ(limit(), 2.5);
}

TEST_F(CgroupFiles, EscapedMountinfoFieldsAreDecoded) {
  // systemd escapes '-' in unit names as \x2d, whose backslash mountinfo
  // writes as \134; a space in a mount point as \040.
  write("proc/self/mountinfo",
        "36 30 0:31 /machine.slice/machine-my\\134x2dbox.scope /sys/fs/cgroup/cpu\\040set "
        "rw - cgroup cgroup rw,cpu\n");
  write("proc/self/cgroup", "4:cpu:/machine.slice/machine-my\\x2dbox.scope/payload\n");
  write("sys/fs/cgroup/cpu set/payload/cpu.cfs_quota_us", "300000\n");
  write("sys/fs/cgroup/cpu set/payload/cpu.cfs_period_us", "100000\n");
  EXPECT_DOUBLE_EQ(limit(), 3.0);
}

TEST_F(CgroupFiles, PathOutsideTheMountIsNotRead) {
  write("proc/self/mountinfo",
        "40 35 0:26 /kubepods/pod1 /sys/fs/cgroup ro,relatime - cgroup2 cgroup2 rw\n");
  write("proc/self/cgroup", "0::/kubepods/pod10\n");
  write("sys/fs/cgroup/cpu.max", "100000 100000\n");
  EXPECT_DOUBLE_EQ(limit(), 0);
}

TEST_F(CgroupFiles, MalformedAndMissingFilesCountAsNoQuota) {
  write("proc/self/mountinfo", std::string("garbage line\n\n- - -\n") + kV2Mount);
  write("proc/self/cgroup", "nonsense\n0::/a/b/c\n");
  write("sys/fs/cgroup/a/b/c/cpu.max", "lots 100000\n");
  write("sys/fs/cgroup/a/b/cpu.max", "100000 0\n");
  write("sys/fs/cgroup/a/cpu.max", "-5 100000\n");
  EXPECT_DOUBLE_EQ(limit(), 0);
  write("sys/fs/cgroup/cpu.max", "200000 100000 extra\n");
  EXPECT_DOUBLE_EQ(limit(), 0);
}

TEST_F(CgroupFiles, NothingMountedOrNoProcFiles) {
  EXPECT_DOUBLE_EQ(limit(), 0);
  write("proc/self/mountinfo", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
  write("proc/self/cgroup", "0::/\n");
  EXPECT_DOUBLE_EQ(limit(), 0);
}

} // namespace
