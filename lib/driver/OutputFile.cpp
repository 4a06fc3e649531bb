//===- OutputFile.cpp - Writing the IR stratac prints ---------------------===//
//
// Every stream's error is read and cleared before the stream is destroyed:
// an unchecked error ends the process in raw_fd_ostream's destructor
// ("IO failure on output stream") with no message naming the file.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/OutputFile.h"

#include "llvm/Support/FileSystem.h"

#include <cerrno>
#include <fcntl.h>

namespace strata {

namespace {

/// Flushes `os` and turns a write error into an error naming `name`.
llvm::Error finish(llvm::raw_fd_ostream &os, llvm::StringRef name) {
  os.flush();
  if (!os.has_error())
    return llvm::Error::success();
  std::error_code ec = os.error();
  os.clear_error();
  return llvm::createStringError(ec, "cannot write '%s': %s", name.str().c_str(),
                                 ec.message().c_str());
}

} // namespace

llvm::Error writeOutputFile(llvm::StringRef path,
                            llvm::function_ref<void(llvm::raw_ostream &)> write) {
  if (path == "-") {
    write(llvm::outs());
    return finish(llvm::outs(), "<standard output>");
  }
  namespace fs = llvm::sys::fs;
  fs::file_status status;
  if (!fs::status(path, status)) {
    if (status.type() == fs::file_type::directory_file)
      return llvm::createStringError("cannot write '%s': it is a directory", path.str().c_str());
    if (status.type() != fs::file_type::regular_file) {
      int fd = ::open(path.str().c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) {
        std::error_code ec(errno, std::generic_category());
        return llvm::createStringError(ec, "cannot open '%s': %s", path.str().c_str(),
                                       ec.message().c_str());
      }
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      write(os);
      return finish(os, path);
    }
  }
  llvm::SmallString<256> target(path);
  if (fs::exists(path))
    if (std::error_code ec = fs::real_path(path, target))
      return llvm::createStringError(ec, "cannot resolve '%s': %s", path.str().c_str(),
                                     ec.message().c_str());
  llvm::Expected<fs::TempFile> temp = fs::TempFile::create(target + ".tmp-%%%%%%");
  if (!temp)
    return llvm::createStringError(llvm::errorToErrorCode(temp.takeError()),
                                   "cannot create a file next to '%s'", path.str().c_str());
  llvm::Error written = [&] {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    write(os);
    return finish(os, path);
  }();
  if (written) {
    llvm::consumeError(temp->discard());
    return written;
  }
  if (llvm::Error e = temp->keep(target)) {
    std::error_code ec = llvm::errorToErrorCode(std::move(e));
    return llvm::createStringError(ec, "cannot write '%s': %s", path.str().c_str(),
                                   ec.message().c_str());
  }
  return llvm::Error::success();
}

} // namespace strata
