//===- OptionNames.cpp - Unknown options are errors -----------------------===//
//
// Names are looked up in the subcommand's registry, the one
// llvm::cl::ParseCommandLineOptions uses; `-h`, cl's alias of `--help`, is
// only registered while cl parses and is let through by name.
//
//===----------------------------------------------------------------------===//

#include "lib/driver/OptionNames.h"

using llvm::StringRef;

namespace strata {

llvm::Error checkOptionNames(int argc, char **argv,
                             llvm::ArrayRef<llvm::cl::SubCommand *> commands) {
  llvm::cl::SubCommand *command = &llvm::cl::SubCommand::getTopLevel();
  int first = 1;
  for (llvm::cl::SubCommand *candidate : commands)
    if (argc > 1 && StringRef(argv[1]) == candidate->getName()) {
      command = candidate;
      first = 2;
    }
  llvm::DenseMap<StringRef, llvm::cl::Option *> &options = llvm::cl::getRegisteredOptions(*command);
  for (int i = first; i < argc; ++i) {
    StringRef arg = argv[i];
    if (arg == "--")
      break;
    if (arg.size() < 2 || arg[0] != '-')
      continue;
    auto [name, value] = arg.drop_front(arg.starts_with("--") ? 2 : 1).split('=');
    if (name == "h" && !arg.contains('='))
      continue;
    auto option = options.find(name);
    if (option == options.end()) {
      std::string help = command == &llvm::cl::SubCommand::getTopLevel()
                             ? "see --help"
                             : "see 'stratac " + command->getName().str() + " --help'";
      std::string where = command == &llvm::cl::SubCommand::getTopLevel()
                              ? ""
                              : " for 'stratac " + command->getName().str() + "'";
      return llvm::createStringError("unknown option '" + arg.split('=').first + "'" + where +
                                     " (" + help + ")");
    }
    if (!arg.contains('=') && option->second->getValueExpectedFlag() == llvm::cl::ValueRequired)
      ++i;
  }
  return llvm::Error::success();
}

} // namespace strata
