//===- AvailableCores.cpp - The cores a program may keep busy -------------===//
//
// A cgroup's files are found as the kernel shows them to the process: each
// cgroup file system mounted (/proc/self/mountinfo: its root inside the
// hierarchy and its mount point) and the process's place in each hierarchy
// (/proc/self/cgroup). Inside a container the mount's root is usually the
// container's own cgroup and the process's path is "/"; where the path is not
// under the mount's root, the cgroup is not visible and is skipped.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/AvailableCores.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace strata {
namespace {

/// A mounted cgroup hierarchy: v2, or v1 with the cpu controller.
struct Hierarchy {
  bool v2;
  std::string root, mountPoint;
};

std::vector<std::string> split(const std::string &text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(text);
  while (std::getline(stream, part, separator))
    parts.push_back(part);
  if (!text.empty() && text.back() == separator)
    parts.push_back("");
  return parts;
}

bool hasItem(const std::string &list, const std::string &item) {
  std::vector<std::string> items = split(list, ',');
  return std::find(items.begin(), items.end(), item) != items.end();
}

/// A mountinfo path field as the path it names: the kernel writes a space,
/// tab, newline or backslash in one as an octal escape (`\040`).
std::string unescape(const std::string &field) {
  std::string path;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() &&
        std::all_of(field.begin() + i + 1, field.begin() + i + 4,
                    [](char c) { return c >= '0' && c <= '7'; })) {
      path += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                (field[i + 3] - '0'));
      i += 3;
    } else {
      path += field[i];
    }
  }
  return path;
}

std::vector<Hierarchy> mountedHierarchies(const std::string &procSelf) {
  std::vector<Hierarchy> found;
  std::ifstream mountinfo(procSelf + "/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    std::vector<std::string> fields = split(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4 ||
        dash - fields.begin() < 5)
      continue;
    const std::string &type = dash[1], &options = dash[3];
    if (type == "cgroup2")
      found.push_back({true, unescape(fields[3]), unescape(fields[4])});
    else if (type == "cgroup" && hasItem(options, "cpu"))
      found.push_back({false, unescape(fields[3]), unescape(fields[4])});
  }
  return found;
}

/// The process's path in the hierarchy of `h`, or "" if it has none there.
std::string cgroupPath(const std::string &procSelf, const Hierarchy &h) {
  std::ifstream cgroups(procSelf + "/cgroup");
  for (std::string line; std::getline(cgroups, line);) {
    size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos)
      continue;
    std::string id = line.substr(0, first),
                controllers = line.substr(first + 1, second - first - 1);
    bool matches = h.v2 ? id == "0" && controllers.empty() : hasItem(controllers, "cpu");
    if (matches)
      return line.substr(second + 1);
  }
  return "";
}

/// The first line of `path`'s contents ("" if it cannot be read).
std::string firstLine(const std::string &path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

/// Parses all of `text` as a number greater than zero.
bool positive(const std::string &text, double &out) {
  if (text.empty())
    return false;
  char *end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && out > 0 && std::isfinite(out);
}

/// The quota in cores that the cgroup at `dir` sets itself, or 0.
double quotaAt(const std::string &dir, bool v2) {
  double quota = 0, period = 0;
  if (v2) {
    std::vector<std::string> words = split(firstLine(dir + "/cpu.max"), ' ');
    if (words.size() == 2 && positive(words[0], quota) && positive(words[1], period))
      return quota / period;
    return 0;
  }
  if (positive(firstLine(dir + "/cpu.cfs_quota_us"), quota) &&
      positive(firstLine(dir + "/cpu.cfs_period_us"), period))
    return quota / period;
  return 0;
}

} // namespace

double cgroupCpuLimit(const std::string &procSelf, const std::string &root) {
  double tightest = 0;
  for (const Hierarchy &h : mountedHierarchies(procSelf)) {
    std::string path = cgroupPath(procSelf, h);
    if (path.empty() || path[0] != '/')
      continue;
    if (h.root != "/") {
      if (path.compare(0, h.root.size(), h.root) != 0 ||
          (path.size() > h.root.size() && path[h.root.size()] != '/'))
        continue;
      path = path.substr(h.root.size());
    }
    // From the process's cgroup up to the mount's root, each level's quota.
    std::string base = root + h.mountPoint;
    while (!path.empty() && path.back() == '/')
      path.pop_back();
    for (;;) {
      double quota = quotaAt(base + path, h.v2);
      if (quota > 0 && (tightest == 0 || quota < tightest))
        tightest = quota;
      if (path.empty())
        break;
      path.erase(path.rfind('/'));
    }
  }
  return tightest;
}

long availableCores() {
  cpu_set_t set;
  long cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  double quota = cgroupCpuLimit("/proc/self", "");
  if (quota > 0 && quota < static_cast<double>(cores))
    cores = static_cast<long>(std::ceil(quota));
  return std::clamp<long>(cores, 1, 1024);
}

} // namespace strata
