//===- ObjectEmitter.cpp - LLVM dialect to an object file -----------------===//
//
// MLIR -> LLVM IR translation, the -O2 module pipeline with the target's
// machine, then codegen to an object file.
//
//===----------------------------------------------------------------------===//

#include "lib/emit/ObjectEmitter.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;

namespace strata {
namespace {

/// Whether `name` is one of the program dialect's attributes.
bool isContractAttribute(StringAttr name) { return name.getValue().starts_with("program."); }

/// The program contract's attributes are read into the model description
/// before code generation; LLVM IR has no place for them.
void dropContractAttributes(ModuleOp module) {
  module.walk([](FunctionOpInterface function) {
    for (unsigned i = 0; i < function.getNumArguments(); ++i)
      for (NamedAttribute attr : function.getArgAttrs(i))
        if (isContractAttribute(attr.getName()))
          function.removeArgAttr(i, attr.getName());
    for (unsigned i = 0; i < function.getNumResults(); ++i)
      for (NamedAttribute attr : function.getResultAttrs(i))
        if (isContractAttribute(attr.getName()))
          function.removeResultAttr(i, attr.getName());
  });
  module.walk([](Operation *op) {
    for (NamedAttribute attr : op->getDiscardableAttrs())
      if (isContractAttribute(attr.getName()))
        op->removeDiscardableAttr(attr.getName());
  });
}

} // namespace

LogicalResult emitObjectFile(ModuleOp module, StringRef path, llvm::TargetMachine &machine,
                             llvm::function_ref<void(llvm::Module &)> prepare) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());

  llvm::LLVMContext llvmContext;
  dropContractAttributes(module);
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return module.emitError("cannot translate the LLVM dialect to LLVM IR");
  llvmModule->setDataLayout(machine.createDataLayout());
  llvmModule->setTargetTriple(machine.getTargetTriple());
  if (prepare)
    prepare(*llvmModule);

  auto optimize = makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0, &machine);
  if (llvm::Error e = optimize(llvmModule.get()))
    return module.emitError("LLVM optimisation failed: ") << llvm::toString(std::move(e));

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return module.emitError("cannot write object file '") << path << "': " << ec.message();
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return module.emitError("the target machine cannot emit object files");
  codegen.run(*llvmModule);
  os.close();
  if (os.has_error()) {
    // Cleared, or the stream's destructor would end the process.
    std::error_code error = os.error();
    os.clear_error();
    return module.emitError("cannot write object file '") << path << "': " << error.message();
  }
  return success();
}

} // namespace strata
