//===- ModelFiles.cpp - Opening the files a model consists of -------------===//
//
// Files are opened non-blocking (opening a FIFO for reading would otherwise
// wait for a writer) and their type is taken from the open descriptor, so the
// file checked is the file read. Regular files are memory-mapped or read up to
// the size fstat reports, never further.
//
//===----------------------------------------------------------------------===//

#include "lib/onnx/ModelFiles.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using llvm::createStringError;
using llvm::StringRef;

namespace strata::onnx {

namespace {

/// What kind of file `mode` describes, for messages.
StringRef fileKind(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

/// Closes a descriptor when it goes out of scope.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
};

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> openRegularFile(StringRef path,
                                                                    StringRef what) {
  std::string name = path.str();
  FileDescriptor file{::open(name.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0)
    return createStringError(std::error_code(errno, std::generic_category()),
                             "cannot open %s '%s': %s", what.str().c_str(), name.c_str(),
                             std::strerror(errno));
  struct stat status;
  if (::fstat(file.fd, &status) != 0)
    return createStringError(std::error_code(errno, std::generic_category()),
                             "cannot open %s '%s': %s", what.str().c_str(), name.c_str(),
                             std::strerror(errno));
  if (!S_ISREG(status.st_mode))
    return createStringError("cannot read %s '%s': it is %s, not a regular file",
                             what.str().c_str(), name.c_str(), fileKind(status.st_mode).data());
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer = llvm::MemoryBuffer::getOpenFile(
      file.fd, name, status.st_size, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return createStringError(buffer.getError(), "cannot read %s '%s': %s", what.str().c_str(),
                             name.c_str(), buffer.getError().message().c_str());
  return std::move(*buffer);
}

llvm::Expected<std::string> resolveExternalDataPath(StringRef modelDir, StringRef location) {
  auto refuse = [&](const llvm::Twine &why) {
    return createStringError("external data location '" + location + "' " + why +
                             "; external data must lie in the model's folder");
  };
  if (location.empty())
    return refuse("is empty");
  // The system calls would read the path only up to the NUL, unlike the
  // checks below.
  if (location.contains('\0'))
    return createStringError("external data location '" + location.take_until([](char c) {
      return c == '\0';
    }) + "\\0...' contains a NUL character");
  if (llvm::sys::path::is_absolute(location))
    return refuse("is an absolute path");
  for (StringRef component :
       llvm::make_range(llvm::sys::path::begin(location), llvm::sys::path::end(location)))
    if (component == "..")
      return refuse("has a '..' component");
  llvm::SmallString<256> dir(modelDir.empty() ? StringRef(".") : modelDir), realDir;
  if (std::error_code ec = llvm::sys::fs::real_path(dir, realDir))
    return createStringError(ec, "cannot resolve the model's folder '%s': %s",
                             dir.str().str().c_str(), ec.message().c_str());
  llvm::SmallString<256> path(dir), realPath;
  llvm::sys::path::append(path, location);
  if (std::error_code ec = llvm::sys::fs::real_path(path, realPath))
    return createStringError(ec, "cannot open external data file '%s': %s",
                             path.str().str().c_str(), ec.message().c_str());
  llvm::SmallString<256> prefix(realDir);
  if (!prefix.ends_with("/"))
    prefix += "/";
  if (realPath == realDir)
    return refuse("names the model's folder itself");
  if (!realPath.str().starts_with(prefix))
    return refuse("resolves to '" + realPath + "', outside '" + realDir +
                  "' (through a symbolic link)");
  return realPath.str().str();
}

llvm::Expected<ExternalDataRange> checkExternalDataRange(StringRef tensor, StringRef location,
                                                         StringRef offset, StringRef length,
                                                         uint64_t expectedBytes,
                                                         uint64_t fileBytes) {
  ExternalDataRange range;
  range.length = expectedBytes;
  auto parse = [&](StringRef key, StringRef text, uint64_t &value) -> llvm::Error {
    if (text.empty())
      return llvm::Error::success();
    if (text.getAsInteger(10, value))
      return createStringError("tensor '" + tensor + "' has external data " + key + " '" + text +
                               "', which is not a non-negative integer");
    return llvm::Error::success();
  };
  if (llvm::Error e = parse("offset", offset, range.offset))
    return std::move(e);
  if (llvm::Error e = parse("length", length, range.length))
    return std::move(e);
  if (range.length != expectedBytes)
    return createStringError("tensor '" + tensor + "' has external data length " +
                             std::to_string(range.length) + ", but its type needs " +
                             std::to_string(expectedBytes) + " bytes");
  // Compared without computing offset + length, which may overflow.
  if (range.offset > fileBytes || range.length > fileBytes - range.offset)
    return createStringError("tensor '" + tensor + "' needs " + std::to_string(expectedBytes) +
                             " bytes at offset " + std::to_string(range.offset) + " of '" +
                             location + "', which holds " + std::to_string(fileBytes) + " bytes");
  return range;
}

} // namespace strata::onnx
